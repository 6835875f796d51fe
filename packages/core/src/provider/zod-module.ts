import * as zodNamespace from 'zod';

/** zod's module namespace (`z` and the rest). */
export type ZodModule = typeof zodNamespace;
/** Set to `true` by the CLI bundle's build (esbuild `define`); undeclared everywhere else. */
declare const __BUILDSECRETS_BUNDLE__: boolean | undefined;
let loaded: ZodModule | undefined;

/**
 * zod, for code that builds schemas on first use (see lazy-options-schema.ts). Unbundled, this is
 * the same module every other import of zod gets (imported above; a library user loads zod anyway).
 * In the CLI bundle the static import is dropped (zod has no side effects) and a bundled `require`
 * evaluates the inlined zod only when a schema is first built, so commands that never need one
 * (`plan` on the usual configs) never evaluate zod at all; the bundler maps this `require` to
 * the same ESM build of zod that the rest of the bundle imports (scripts/bundle.mjs).
 */
export function zodModule(): ZodModule {
  if (loaded === undefined) {
    loaded = typeof __BUILDSECRETS_BUNDLE__ !== 'undefined' ? (require('zod') as ZodModule) : zodNamespace;
  }
  return loaded;
}
