import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import dockerignore from '@balena/dockerignore';

/**
 * The package is CommonJS (`module.exports = factory`, plus `factory.default`) while its types
 * declare an ES default export: under NodeNext the default import is the module object.
 */
const createIgnore = ((dockerignore as unknown as { default?: typeof dockerignore.default }).default ?? dockerignore) as unknown as typeof dockerignore.default;

/** Which paths of a build context the engine leaves out. */
export interface ContextIgnore {
  /** The ignore file in force, if any. */
  readonly file: string | undefined;
  /** Whether `path` (relative, forward slashes) is left out of the context. */
  ignores(path: string): boolean;
  /**
   * Whether an excluded directory may still hold files that are sent: with an exception pattern
   * (`!keep/this`) the engine walks into excluded directories, so the check must too.
   */
  readonly hasExceptions: boolean;
}

async function readIfExists(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * The ignore rules the engine applies to this build: `<Dockerfile>.dockerignore` beside the
 * Dockerfile when it exists (BuildKit prefers it), else `<context>/.dockerignore`. The pattern
 * semantics — `**`, `!` exceptions, a pattern excluding a directory and everything below it,
 * leading `/` and `./` cleaned away, `#` comments — come from `@balena/dockerignore`, a port of
 * Docker's own matcher (moby `fileutils`) that dockerode uses; our table test checks it against
 * a real `docker build` ({@link https://docs.docker.com/build/concepts/context/#dockerignore-files}).
 */
export async function loadContextIgnore(context: string, dockerfile: string | undefined): Promise<ContextIgnore> {
  const candidates = [...(dockerfile && dockerfile !== '-' ? [join(dirname(dockerfile), `${basename(dockerfile)}.dockerignore`)] : []), join(context, '.dockerignore')];
  for (const file of candidates) {
    const text = await readIfExists(file);
    if (text === undefined) continue;
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const matcher = createIgnore().add(lines);
    const hasExceptions = lines.some((l) => l.trim().startsWith('!'));
    return { file, hasExceptions, ignores: (path) => matcher.ignores(path) };
  }
  return { file: undefined, hasExceptions: false, ignores: () => false };
}
