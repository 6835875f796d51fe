import { createRequire } from 'node:module';
import * as zodNamespace from 'zod';

/** zod's module namespace (`z` and the rest). */
export type ZodModule = typeof zodNamespace;
/** Set to `true` by the CLI bundle's build (esbuild `define`); undeclared everywhere else. */
declare const __BUILDSECRETS_BUNDLE__: boolean | undefined;
let loaded: ZodModule | undefined;

/**
 * zod, for code that builds schemas on first use (see lazy-options-schema.ts). Unbundled, this is
 * the same module every other import of zod gets (imported above; a library user loads zod anyway).
 * In the CLI bundle the static import is dropped (zod has no side effects) and zod is a chunk of
 * its own that only {@link loadZodModule} imports, so a command that never builds a schema
 * (`plan` on the usual configs) does not even read it. Callers that may build a schema await
 * {@link loadZodModule} first; should one not, Node's own `require` loads the installed zod
 * (another copy, which works the same: schemas are read structurally, see schema-walk.ts).
 */
export function zodModule(): ZodModule {
  if (loaded === undefined) {
    loaded = typeof __BUILDSECRETS_BUNDLE__ !== 'undefined' ? (createRequire(import.meta.url)('zod') as ZodModule) : zodNamespace;
  }
  return loaded;
}

/** Load zod (in the CLI bundle: its chunk) so that {@link zodModule} answers from it. */
export async function loadZodModule(): Promise<ZodModule> {
  loaded ??= typeof __BUILDSECRETS_BUNDLE__ !== 'undefined' ? ((await import('zod')) as ZodModule) : zodNamespace;
  return loaded;
}
