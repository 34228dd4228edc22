import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export interface ChartRow {
  model: string;
  /** 0..1 */
  successRate: number;
  successes: number;
  calls: number;
  p50Ms?: number;
  p95Ms?: number;
}

/**
 * Two panels sharing the model axis: success rate (coloured red → green, labelled "ok/calls") and
 * latency (bar = p50, dark tick = p95, "no answer" for models that never succeeded). Rows come
 * sorted best first, so the eye lands on the models the pool should use.
 */
export function chartSpec(rows: ChartRow[], title: string): vegaLite.TopLevelSpec {
  const values = rows.map((r) => ({
    model: r.model.replace(/:free$/, ''),
    success: Math.round(r.successRate * 1000) / 10,
    okLabel: `${Math.round(r.successRate * 100)}%  (${r.successes}/${r.calls})`,
    p50: r.p50Ms ?? null,
    p95: r.p95Ms ?? null,
    latLabel: r.p50Ms === undefined ? 'no successful call' : `p50 ${Math.round(r.p50Ms)} ms`,
    // The label sits right of the p95 tick so the two never overlap.
    labelX: r.p95Ms ?? r.p50Ms ?? 0,
  }));
  const order = values.map((v) => v.model);
  const y = { field: 'model', type: 'nominal', sort: order, title: null, axis: { labelLimit: 480 } } as const;
  const yHidden = { ...y, axis: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 14 },
    data: { values },
    config: { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 }, background: 'white' },
    hconcat: [
      {
        width: 240,
        height: { step: 22 },
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              y,
              x: { field: 'success', type: 'quantitative', title: 'success rate, % (label: ok/calls)', scale: { domain: [0, 100] } },
              color: {
                field: 'success',
                type: 'quantitative',
                scale: { domain: [0, 50, 100], range: ['#d73027', '#fee08b', '#1a9850'] },
                legend: null,
              },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#111' },
            encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'okLabel' } },
          },
        ],
      },
      {
        width: 340,
        height: { step: 22 },
        layer: [
          {
            mark: { type: 'bar', color: '#4c78a8' },
            encoding: { y: yHidden, x: { field: 'p50', type: 'quantitative', title: 'latency, ms (bar: p50, dark tick: p95)' } },
          },
          {
            mark: { type: 'tick', color: '#67001f', thickness: 3 },
            encoding: { y: yHidden, x: { field: 'p95', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', align: 'left', dx: 6, fontSize: 10, color: '#111' },
            encoding: { y: yHidden, x: { field: 'labelX', type: 'quantitative' }, text: { field: 'latLabel' } },
          },
        ],
      },
    ],
  } as vegaLite.TopLevelSpec;
}

/** Renders the chart headlessly (no canvas, no browser) to an SVG string. */
export async function renderChartSvg(rows: ChartRow[], title: string): Promise<string> {
  const compiled = vegaLite.compile(chartSpec(rows, title)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
