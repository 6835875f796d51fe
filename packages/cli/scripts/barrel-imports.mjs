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

/**
 * exported name → { file (absolute), imported name }, following `export *` and re-exports from the
 * other workspace barrels in `packages` (package name → its dist/index.js).
 */
export function barrelMap(indexFile, packages = {}, map = new Map()) {
  const text = readFileSync(indexFile, 'utf8').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  const target = (spec) => (spec.startsWith('.') ? resolve(dirname(indexFile), spec) : spec);
  const inner = new Map();
  const through = (spec) => {
    if (!packages[spec]) return undefined;
    if (!inner.has(spec)) inner.set(spec, barrelMap(packages[spec], packages));
    return inner.get(spec);
  };
  for (const [, names, spec] of text.matchAll(NAMED)) {
    for (const item of names.split(',').map((n) => n.trim()).filter(Boolean)) {
      if (item.startsWith('type ')) continue;
      const [imported, exported = imported] = item.split(/\s+as\s+/);
      // A name another workspace barrel re-exports resolves to the file that defines it.
      const found = through(spec)?.get(imported);
      map.set(exported, found ?? { file: target(spec), imported });
    }
  }
  for (const [, spec] of text.matchAll(STAR)) {
    const other = through(spec);
    if (other) for (const [name, found] of other) map.set(name, found);
    else barrelMap(target(spec), packages, map);
  }
  return map;
}

const IMPORT = /import\s*\{([^}]*)\}\s*from\s*['"](@buildsecrets\/(?:core|audit|base))['"];?/g;

/**
 * The plugin: `indexes` maps each workspace barrel (`@buildsecrets/core`, `@buildsecrets/audit`,
 * `@buildsecrets/base`) to the absolute path of its dist/index.js.
 */
export function barrelImports(indexes) {
  const maps = Object.fromEntries(Object.entries(indexes).map(([name, file]) => [name, barrelMap(file, indexes)]));
  return {
    name: 'buildsecrets-barrel-imports',
    setup(b) {
      b.onLoad({ filter: /\/packages\/(cli|core|audit|providers\/[^/]+)\/dist\/.*\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('@buildsecrets/')) return undefined;
        const contents = text.replace(IMPORT, (whole, names, pkg) => {
          const map = maps[pkg];
          if (!map) return whole;
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
