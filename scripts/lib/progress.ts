import cliProgress from 'cli-progress';

export interface Progress {
  /** One unit done; `label` says what (model, outcome). */
  tick(label: string): void;
  stop(): void;
}

/**
 * A cli-progress bar on a terminal; on a pipe or log (no TTY) one plain line per unit instead, so
 * CI logs show progress too. No stream: silent (tests that import `main`).
 */
export function createProgress(total: number, stream: NodeJS.WritableStream | undefined, title: string): Progress {
  if (!stream) return { tick() {}, stop() {} };
  if ((stream as NodeJS.WriteStream).isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${title} |{bar}| {value}/{total} calls | {label}`, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    return { tick: (label) => bar.increment(1, { label }), stop: () => bar.stop() };
  }
  let done = 0;
  return {
    tick: (label) => {
      done++;
      stream.write(`[${done}/${total}] ${label}\n`);
    },
    stop() {},
  };
}
