// An esbuild plugin for the CLI bundle: rewrites `import { a, b } from '@buildsecrets/core'` into
// imports of the files that define `a` and `b`. With code splitting, esbuild places every file a
// barrel re-exports in the chunk of every entry that imports the barrel; going around the barrel
// lets `plan` load only the config and Dockerfile code, and `build` alone load the composition
// (tsyringe, strategies, engine, audit). Only the CLI bundle's view changes: the package still
// exports everything from its one entry.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const NAMED = /export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g;
const STAR = /export\s*\*\s*from\s*['"]([^'"]+)['"]/g;

/** exported name → { file (absolute, or a bare package), imported name }, following `export *`. */
export function barrelMap(indexFile, map = new Map()) {
  const text = readFileSync(indexFile, 'utf8').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  const target = (spec) => (spec.startsWith('.') ? resolve(dirname(indexFile), spec) : spec);
  for (const [, names, spec] of text.matchAll(NAMED)) {
    for (const item of names.split(',').map((n) => n.trim()).filter(Boolean)) {
      if (item.startsWith('type ')) continue;
      const [imported, exported = imported] = item.split(/\s+as\s+/);
      map.set(exported, { file: target(spec), imported });
    }
  }
  for (const [, spec] of text.matchAll(STAR)) barrelMap(target(spec), map);
  return map;
}

const IMPORT = /import\s*\{([^}]*)\}\s*from\s*['"]@buildsecrets\/core['"];?/g;

/** The plugin: `coreIndex` is the absolute path of @buildsecrets/core's dist/index.js. */
export function barrelImports(coreIndex) {
  const map = barrelMap(coreIndex);
  return {
    name: 'buildsecrets-barrel-imports',
    setup(b) {
      b.onLoad({ filter: /\/packages\/(cli|providers\/[^/]+)\/dist\/.*\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('@buildsecrets/core')) return undefined;
        const contents = text.replace(IMPORT, (whole, names) => {
          const lines = [];
          for (const item of names.split(',').map((n) => n.trim()).filter(Boolean)) {
            if (item.startsWith('type ')) continue;
            const [imported, local = imported] = item.split(/\s+as\s+/);
            const found = map.get(imported);
            if (!found) return whole; // not a plain re-export: leave the statement as it is
            lines.push(`import { ${found.imported} as ${local} } from ${JSON.stringify(found.file)};`);
          }
          return lines.join('\n');
        });
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
