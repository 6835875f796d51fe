// Merge esbuild's code-split output into fewer files, without ever duplicating a module.
//
// Why: esbuild splits by "which entry points reach this module", counting every `import()` target
// as an entry and ignoring that an importer's own modules are already loaded when it runs the
// `import()`. The CLI's main entry therefore loads 14 files before any command, and `plan` 25, most
// of them a few hundred bytes. Node's ESM loader costs ≈ 0.3–0.5 ms per file (resolve, read,
// compile-cache lookup, link), which was a third of `plan`'s start-up beyond `node -e 0`.
//
// How: groups are formed in a priority order (the main entry, then the commands whose start-up is
// measured, then the rest). A group takes its leader and every chunk it reaches by static imports
// that no earlier group took. Each group is re-bundled into one file at its leader's path; a member
// chunk's exports are re-exported under prefixed names, and a later group that imports such a chunk
// gets a shim that maps the names back. A chunk that a dynamic `import()` targets but an earlier
// group absorbed keeps a one-line facade at its own path. Static imports only ever point at earlier
// groups, so no static cycle can appear; each module still exists exactly once.
import { createHash } from 'node:crypto';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** The banner every pass-1 output starts with (scripts/bundle.mjs); a merged file carries it once. */
export const REQUIRE_BANNER = "import { createRequire as __bsCreateRequire } from 'node:module';\nconst require = __bsCreateRequire(import.meta.url);";

const prefixed = (index, name) => `c${index}$${name}`;

function importPath(fromFile, toFile) {
  const rel = relative(dirname(fromFile), toFile).split('\\').join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * Assign every output chunk to a group. `outputs` is esbuild's metafile `outputs` (keys relative
 * to `root`); `order` lists leader keys first in priority; every other entry follows in key order.
 * @returns Map of group leader key → member keys (leader first).
 */
export function planGroups(outputs, order) {
  const js = Object.keys(outputs).filter((k) => k.endsWith('.js'));
  const entries = js.filter((k) => outputs[k].entryPoint !== undefined);
  // After the priority list, the smallest first (bytes of everything an entry loads statically): an
  // entry then never absorbs more than it needs, and a larger one that shares a chunk with it
  // (schema with zod, say) loads the smaller one's file instead of the other way round.
  const closureBytes = (key, seen = new Set()) => {
    if (seen.has(key)) return 0;
    seen.add(key);
    return outputs[key].bytes + outputs[key].imports.filter((i) => !i.external && i.kind === 'import-statement').reduce((n, i) => n + closureBytes(i.path, seen), 0);
  };
  const rest = entries.filter((k) => !order.includes(k)).map((k) => [k, closureBytes(k)]).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const leaders = [...order.filter((k) => entries.includes(k)), ...rest];
  const owner = new Map();
  const groups = new Map();
  for (const leader of leaders) {
    if (owner.has(leader)) continue;
    const members = [];
    const visit = (key) => {
      if (owner.has(key)) return;
      owner.set(key, leader);
      members.push(key);
      for (const imp of outputs[key].imports) if (!imp.external && imp.kind === 'import-statement') visit(imp.path);
    };
    visit(leader);
    groups.set(leader, members);
  }
  const orphans = js.filter((k) => !owner.has(k));
  if (orphans.length) throw new Error(`coalesce: chunks reached by no entry: ${orphans.join(', ')}`);
  return { groups, owner };
}

/**
 * Rewrite esbuild's split output into coalesced files.
 * @param {object} options
 * @param {import('esbuild').OutputFile[]} options.outputFiles pass-1 output (write: false)
 * @param {import('esbuild').Metafile} options.metafile pass-1 metafile
 * @param {string} options.root esbuild's absWorkingDir (metafile keys are relative to it)
 * @param {string[]} options.order output keys to lead groups first (the main entry first)
 * @param {string[]} options.keepNames absolute paths of entries whose file name must not change (the main entry)
 * @param {object} options.esbuild the esbuild module
 * @returns {Promise<{ files: { path: string; contents: Uint8Array }[]; outputs: object }>}
 */
export async function coalesceChunks({ outputFiles, metafile, root, order, keepNames, esbuild }) {
  const outputs = metafile.outputs;
  const { groups, owner } = planGroups(outputs, order);
  const abs = (key) => resolve(root, key);
  const keyOf = new Map(Object.keys(outputs).map((k) => [abs(k), k]));
  const text = new Map(outputFiles.map((f) => [f.path, f.text]));
  const indexOf = new Map(Object.keys(outputs).map((k, i) => [k, i]));
  const files = [];
  const newOutputs = {};

  // Names a chunk is reached by from outside its own file: its own for a leader, prefixed for a member.
  const exportedAs = (key, name) => (groups.has(key) ? name : prefixed(indexOf.get(key), name));
  // New names: a group's file differs from its leader's pass-1 text, so the pass-1 content hash no
  // longer names it. Each name hashes every pass-1 output (and the leader), so a rebuild that changes
  // anything writes new files beside the old ones and a CLI already running keeps reading its own.
  const allText = createHash('sha256');
  for (const key of Object.keys(outputs).sort()) allText.update(key).update(text.get(abs(key)) ?? '');
  const digest = allText.digest('hex');
  const pathOf = new Map();
  for (const key of Object.keys(outputs).filter((k) => outputs[k].entryPoint !== undefined && k.endsWith('.js'))) {
    const file = abs(key);
    if (keepNames.includes(file)) pathOf.set(key, file);
    else {
      const hash = createHash('sha256').update(digest).update(key).digest('hex').slice(0, 8).toUpperCase();
      pathOf.set(key, join(dirname(file), `${basename(file, '.js').replace(/-[A-Z0-9]{8}$/, '')}-${hash}.js`));
    }
  }

  for (const [leader, members] of groups) {
    const outFile = pathOf.get(leader);
    const reexports = [`export * from ${JSON.stringify(abs(leader))};`];
    if (outputs[leader].exports.includes('default')) reexports.push(`export { default } from ${JSON.stringify(abs(leader))};`);
    for (const member of members.slice(1)) {
      const names = outputs[member].exports;
      if (names.length) reexports.push(`export { ${names.map((n) => `${n} as ${prefixed(indexOf.get(member), n)}`).join(', ')} } from ${JSON.stringify(abs(member))};`);
    }
    const result = await esbuild.build({
      stdin: { contents: reexports.join('\n'), resolveDir: dirname(outFile), sourcefile: `group:${leader}`, loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: outFile,
      banner: { js: REQUIRE_BANNER },
      legalComments: 'eof',
      minifyWhitespace: true,
      minifySyntax: true,
      metafile: true,
      logLevel: 'warning',
      plugins: [
        {
          name: 'buildsecrets-coalesce',
          setup(b) {
            b.onResolve({ filter: /^bs-group:/ }, (args) => ({ path: importPath(outFile, args.path.slice('bs-group:'.length)), external: true }));
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.path.startsWith('node:') || !/^[./]/.test(args.path)) return { path: args.path, external: true };
              const target = resolve(args.resolveDir, args.path);
              const key = keyOf.get(target);
              if (key === undefined) throw new Error(`coalesce: ${args.path} from ${args.importer} is not an output chunk`);
              const targetOwner = owner.get(key);
              if (args.kind === 'dynamic-import') {
                // import() targets an entry: its own file, or the facade written where an earlier group absorbed it.
                return { path: importPath(outFile, pathOf.get(key)), external: true };
              }
              if (targetOwner === leader) return { path: target, namespace: 'bs-chunk' };
              if (groups.has(key)) return { path: importPath(outFile, pathOf.get(key)), external: true };
              return { path: key, namespace: 'bs-shim' };
            });
            b.onLoad({ filter: /.*/, namespace: 'bs-chunk' }, (args) => {
              const source = text.get(args.path);
              if (!source.startsWith(REQUIRE_BANNER)) throw new Error(`coalesce: ${args.path} does not start with the require banner`);
              return { contents: source.slice(REQUIRE_BANNER.length), loader: 'js', resolveDir: dirname(args.path) };
            });
            b.onLoad({ filter: /.*/, namespace: 'bs-shim' }, (args) => {
              const key = args.path;
              const names = outputs[key].exports.map((n) => `${exportedAs(key, n)} as ${n}`);
              return { contents: `export { ${names.join(', ')} } from ${JSON.stringify(`bs-group:${pathOf.get(owner.get(key))}`)};`, loader: 'js' };
            });
          },
        },
      ],
    });
    const [out] = result.outputFiles;
    files.push({ path: outFile, contents: out.contents });
    const inputs = Object.assign({}, ...members.map((m) => outputs[m].inputs));
    const merged = Object.values(result.metafile.outputs)[0];
    newOutputs[relative(root, outFile)] = { imports: merged.imports, exports: merged.exports, entryPoint: outputs[leader].entryPoint, inputs, bytes: out.contents.length };
    // An absorbed entry keeps its path for import(): a facade re-exporting its names from the group.
    for (const member of members.slice(1)) {
      if (outputs[member].entryPoint === undefined) continue;
      const names = outputs[member].exports.map((n) => `${prefixed(indexOf.get(member), n)} as ${n}`);
      const facade = `export { ${names.join(', ')} } from ${JSON.stringify(importPath(pathOf.get(member), outFile))};\n`;
      files.push({ path: pathOf.get(member), contents: Buffer.from(facade) });
      newOutputs[relative(root, pathOf.get(member))] = { imports: [{ path: relative(root, outFile), kind: 'import-statement' }], exports: outputs[member].exports, entryPoint: outputs[member].entryPoint, inputs: {}, bytes: facade.length };
    }
  }
  return { files, outputs: newOutputs };
}
