import Table from 'cli-table3';

/** No rule between body rows: compact, still ruled around the header. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A plain (uncoloured) cli-table3 table, so output reads the same in a terminal, a log and a test. */
export function renderTable(head: string[], rows: Array<Array<string | number>>, colAligns?: Array<'left' | 'right' | 'center'>): string {
  const table = new Table({ head, chars: COMPACT, style: { head: [], border: [] }, ...(colAligns ? { colAligns } : {}) });
  for (const row of rows) table.push(row.map((c) => String(c)));
  return table.toString();
}

/** Two-column key/value table. */
export function renderKeyValues(rows: Array<[string, string]>): string {
  const table = new Table({ chars: COMPACT, style: { head: [], border: [] } });
  for (const [k, v] of rows) table.push({ [k]: v });
  return table.toString();
}

/** A Markdown table (the bench's report and the tables docs/benchmark.md quotes). */
export function markdownTable(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
