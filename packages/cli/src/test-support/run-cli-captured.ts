import { Writable } from 'node:stream';
import { runCli } from '../main.js';

/** Output and exit code of one in-process CLI run. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(chunks: string[]): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
}

/** Run the CLI in this process with captured streams and a given environment. */
export async function runCliCaptured(argv: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: sink(out), stderr: sink(err), env: options.env ?? {}, ...(options.cwd ? { cwd: options.cwd } : {}), handleSignals: false });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
