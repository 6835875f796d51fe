import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

/** Everything a build sends to its `output` stream, collected as text. */
export interface CapturedOutput {
  readonly stream: PassThrough;
  text: string;
}

/** A fresh output stream whose writes accumulate in `text`. */
export function captureOutput(): CapturedOutput {
  const stream = new PassThrough();
  const out: CapturedOutput = { stream, text: '' };
  stream.on('data', (c: Buffer) => (out.text += c.toString('utf8')));
  return out;
}

/** The per-test state of an orchestrator test against a fake engine. */
export interface BuildWorkdir {
  /** The test's own directory (remove it in afterEach). */
  readonly work: string;
  /** Lines the session's logger wrote. */
  readonly logs: string[];
  readonly out: CapturedOutput;
}

/**
 * A fresh work directory for one orchestrator test: `<work>/ctx/Dockerfile` holding `dockerfile`,
 * the empty directories named in `dirs` (each test's secrets temp root), an empty log and an
 * output capture.
 */
export async function makeBuildWorkdir(prefix: string, dockerfile: string, dirs: readonly string[] = ['tmp']): Promise<BuildWorkdir> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(work, 'ctx'));
  for (const dir of dirs) await mkdir(join(work, dir));
  await writeFile(join(work, 'ctx', 'Dockerfile'), dockerfile);
  return { work, logs: [], out: captureOutput() };
}
