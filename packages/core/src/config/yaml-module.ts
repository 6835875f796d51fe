import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
/** Set to `true` by the CLI bundle's build (esbuild `define`); undeclared everywhere else. */
declare const __BUILDSECRETS_BUNDLE__: boolean | undefined;
let loaded: YamlModule | undefined;

/**
 * The `yaml` package, loaded on first use: most configs are read by the fast path
 * (simple-yaml.ts), so a CLI start-up never evaluates the full parser. In the CLI bundle the
 * plain `require` is bundled (esbuild turns it into a lazy call into the inlined copy);
 * unbundled, core is ESM and has no `require` of its own, so Node's is made for this file (a
 * global `require`, as `node -e` has, would resolve from the wrong directory).
 */
export function yamlModule(): YamlModule {
  if (loaded === undefined) {
    loaded = (typeof __BUILDSECRETS_BUNDLE__ !== 'undefined' ? require('yaml') : createRequire(import.meta.url)('yaml')) as YamlModule;
  }
  return loaded;
}
