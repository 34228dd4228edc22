/** Where a script writes. Tests pass collectors; the CLI entry passes the process streams. */
export interface ScriptIo {
  out(text: string): void;
  err(text: string): void;
  /** Stream for progress bars (stderr in the CLI); omitted in tests, which disables the bar. */
  progressStream?: NodeJS.WritableStream;
}

export type Env = Record<string, string | undefined>;

export const processIo: ScriptIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  progressStream: process.stderr,
};

/** Collects output in memory, for tests. */
export function memoryIo(): ScriptIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => err.push(t.endsWith('\n') ? t : `${t}\n`),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** A command-line mistake: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs a script's `main` when the file is executed directly (bun sets import.meta.main). */
export async function runCli(main: (argv: string[], env: Env, io: ScriptIo) => Promise<number>): Promise<void> {
  const code = await main(process.argv.slice(2), process.env, processIo);
  process.exit(code);
}
