// An esbuild plugin for the CLI bundle: zod without `z.locales` / `z.core.locales`. zod's entry
// points re-export every locale (≈ 290 KiB, half of zod's bytes in the bundle), and the bundled
// `z` namespace object keeps them all, so every `plan` paid to load them; the CLI never switches
// locale. English stays the default (zod's schemas module registers it on first use), and config
// errors never show zod's wording anyway (packages/core/src/config/zod-issues.ts words each issue).
// Only the CLI bundle's view changes: the library still imports zod as published.
import { readFileSync } from 'node:fs';

/** The two zod modules that re-export the locales, and the line that does it in each. */
const FILES = /[\\/]node_modules[\\/]zod[\\/]v4[\\/](core[\\/]index|classic[\\/]external)\.js$/;
const LOCALES_EXPORT = /^export \* as locales from "\.\.\/locales\/index\.js";$/m;

/** The plugin. */
export function leanZod() {
  return {
    name: 'buildsecrets-lean-zod',
    setup(b) {
      b.onLoad({ filter: FILES }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        // Fail the bundle loudly when zod's entry changes shape, rather than silently keep the locales.
        if (!LOCALES_EXPORT.test(text)) throw new Error(`lean-zod: ${args.path} no longer has the locales export this plugin removes`);
        return { contents: text.replace(LOCALES_EXPORT, '// (locales left out of the CLI bundle: scripts/lean-zod.mjs)'), loader: 'js' };
      });
    },
  };
}
