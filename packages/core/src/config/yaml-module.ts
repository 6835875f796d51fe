import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
/** Set to `true` by the CLI bundle's build (esbuild `define`); undeclared everywhere else. */
declare const __BUILDSECRETS_BUNDLE__: boolean | undefined;
let loaded: YamlModule | undefined;

/**
 * The `yaml` package, loaded on first use: most configs are read by the fast path
 * (simple-yaml.ts), so a CLI start-up never evaluates the full parser. Core is ESM and has no
 * `require` of its own, so Node's is made for this file (a global `require`, as `node -e` has,
 * would resolve from the wrong directory). In the CLI bundle the package is a chunk of its own that
 * {@link loadYamlModule} imports: async callers (loadConfig) load it first when the text needs it,
 * so a usual `plan` never even reads it; should a caller not, Node's `require` loads the installed
 * package.
 */
export function yamlModule(): YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loaded;
}

/** Load `yaml` (in the CLI bundle: its chunk) so that {@link yamlModule} answers from it. */
export async function loadYamlModule(): Promise<YamlModule> {
  if (loaded === undefined && typeof __BUILDSECRETS_BUNDLE__ !== 'undefined') {
    // The bundled package is CommonJS: its namespace carries the exports (and them as `default`).
    const namespace = (await import('yaml')) as YamlModule & { default?: YamlModule };
    loaded = typeof namespace.parseDocument === 'function' ? namespace : namespace.default;
  }
  return yamlModule();
}
