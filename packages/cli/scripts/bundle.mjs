// Bundle the CLI's runtime into one ESM file (packages/cli/dist/cli.bundle.js), after `tsc -b`.
// Node spends most of an unbundled `plan` resolving and reading ~800 module files (yaml, zod,
// core, tsyringe); one file removes that cost. Only an allow-list is inlined: everything else
// (cloud SDKs, node-vault, ssh2, third-party plugins) stays a runtime import, loaded lazily.
// Code only some commands need is split into chunks, which coalesce-chunks.mjs then merges so a
// command reads few files (each costs Node's ESM loader ≈ 0.4 ms).
//   node packages/cli/scripts/bundle.mjs            bundle
//   node packages/cli/scripts/bundle.mjs --if-stale bundle only when an input changed since
//   node packages/cli/scripts/bundle.mjs --clean    remove the bundle and its metafile
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { barrelImports } from './barrel-imports.mjs';
import { coalesceChunks, REQUIRE_BANNER } from './coalesce-chunks.mjs';
import { leanZod } from './lean-zod.mjs';
import { fileURLToPath } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = resolve(CLI_DIR, '../..');
const ENTRY = join(CLI_DIR, 'dist/main.js');
/** The bundled CLI that `dist/bin.js` imports. */
export const BUNDLE = join(CLI_DIR, 'dist/cli.bundle.js');
/** Chunks split off the bundle: code only some commands need, loaded by `import()` when they run. */
export const CHUNKS = join(CLI_DIR, 'dist/cli-chunks');
/** The audit's worker thread entry (@buildsecrets/audit's build), bundled as `dist/cli-chunks/layer-worker.js`. */
const LAYER_WORKER = join(ROOT, 'packages/audit/dist/layer-worker.js');
const LAYER_WORKER_NAME = 'cli-chunks/layer-worker';
/** esbuild's metafile: every input of the bundle (the lazy-import test reads it). */
export const METAFILE = join(CLI_DIR, 'dist/cli.bundle.meta.json');

/** Packages inlined into the bundle; every other bare import is left for Node to load at run time. */
export const INLINED = ['@buildsecrets/base', '@buildsecrets/audit', '@buildsecrets/core', '@buildsecrets/provider-env', '@buildsecrets/provider-keywhiz', 'zod', 'yaml', 'tsyringe', 'tslib', 'reflect-metadata'];

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare specifiers outside {@link INLINED} (and node builtins) become external runtime imports. */
const allowList = {
  name: 'buildsecrets-allow-list',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || INLINED.includes(packageOf(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * core's provider/zod-module.ts imports zod statically for library users (who load zod anyway) and
 * reaches it through `import()` in the bundle (`__BUILDSECRETS_BUNDLE__`). esbuild makes every
 * command chunk that statically reaches zod import zod's chunk (≈ 290 KiB), even where no zod code
 * is used, so the bundle's copy of that file drops the static import: `plan` then never reads zod.
 */
const ZOD_MODULE = /[\\/]packages[\\/]core[\\/]dist[\\/]provider[\\/]zod-module\.js$/;
const ZOD_STATIC_IMPORT = /^import \* as zodNamespace from 'zod';$/m;
const zodModuleWithoutStaticImport = {
  name: 'buildsecrets-zod-module-without-static-import',
  setup(b) {
    b.onLoad({ filter: ZOD_MODULE }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!ZOD_STATIC_IMPORT.test(text)) throw new Error(`bundle: ${args.path} no longer has the static zod import this build removes`);
      return { contents: text.replace(ZOD_STATIC_IMPORT, 'const zodNamespace = undefined; // the bundle loads zod by import() (scripts/bundle.mjs)'), loader: 'js' };
    });
  },
};

/**
 * Output chunks that lead a coalesced group first (scripts/coalesce-chunks.mjs): the main entry,
 * then the commands whose start-up is measured (bench/startup.mjs, bench/build-overhead.mjs), so
 * each of them loads its own code and what it shares with an earlier one in as few files as possible.
 * The run composition (open-instance) comes before the other commands: every build loads it, and
 * left to the smallest-first order the chunks it shares with `audit` went to the audit command's
 * file, which every build then read as well.
 */
const GROUP_ORDER = ['packages/cli/dist/main.js', 'packages/cli/dist/commands/plan.js', 'packages/cli/dist/commands/check.js', 'packages/cli/dist/commands/build.js', 'packages/cli/dist/open-instance.js'];

/** True when the bundle is missing or older than one of its inputs (a `tsc -b` since the last bundle). */
export function bundleIsStale() {
  if (!existsSync(BUNDLE) || !existsSync(METAFILE)) return true;
  const built = statSync(BUNDLE).mtimeMs;
  const inputs = Object.keys(JSON.parse(readFileSync(METAFILE, 'utf8')).inputs);
  return inputs.some((input) => {
    const file = resolve(ROOT, input);
    return !existsSync(file) || statSync(file).mtimeMs > built;
  });
}

/** Bundle `dist/main.js`. Written by rename, so a CLI starting meanwhile never reads half a file. */
export async function bundleCli() {
  const esbuild = await import('esbuild');
  const shared = {
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // CommonJS entries first: tsyringe's CJS build is then `require`d where core imports it, after
    // `import 'reflect-metadata'` has run. Its ESM build would be hoisted above the polyfill and
    // throw "tsyringe requires a reflect polyfill" at start-up.
    mainFields: ['main', 'module'],
    plugins: [zodModuleWithoutStaticImport, leanZod(), allowList, barrelImports({ '@buildsecrets/core': join(ROOT, 'packages/core/dist/index.js'), '@buildsecrets/audit': join(ROOT, 'packages/audit/dist/index.js'), '@buildsecrets/base': join(ROOT, 'packages/base/dist/index.js') })],
    // Bundled CommonJS (yaml) `require`s node builtins; ESM output has no `require` of its own.
    banner: { js: REQUIRE_BANNER },
    legalComments: 'eof',
    // Less text for V8 to compile on every start (≈ 10 % of `plan`); names are kept, so stack
    // traces under --verbose and error class names stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    // Lets core's lazy loaders (config/yaml-module.ts) use a bundled `require` instead of Node's.
    define: { __BUILDSECRETS_BUNDLE__: 'true' },
    logLevel: 'warning',
  };
  const split = await esbuild.build({
    ...shared,
    entryPoints: { [basename(BUNDLE, '.js')]: ENTRY },
    outdir: join(CLI_DIR, 'dist'),
    // Each command's own code (and the run composition: DI, strategies, engine, audit) becomes a
    // chunk loaded when a command needs it, so `plan` and `--help` never parse what `build` uses.
    splitting: true,
    chunkNames: 'cli-chunks/[name]-[hash]',
  });
  // The audit's scanning worker: a file of its own (core starts it by file URL next to its chunk).
  // Built apart so that no chunk is shared between the worker and the CLI: a worker never loads CLI code.
  const worker = await esbuild.build({ ...shared, entryPoints: { [LAYER_WORKER_NAME]: LAYER_WORKER }, outdir: join(CLI_DIR, 'dist') });
  const groupOrder = GROUP_ORDER.map((input) => Object.keys(split.metafile.outputs).find((k) => split.metafile.outputs[k].entryPoint === input)).filter(Boolean);
  const coalesced = await coalesceChunks({ outputFiles: split.outputFiles, metafile: split.metafile, root: ROOT, order: groupOrder, keepNames: [BUNDLE], esbuild });
  const result = {
    outputFiles: [...coalesced.files, ...worker.outputFiles],
    metafile: { inputs: { ...split.metafile.inputs, ...worker.metafile.inputs }, outputs: { ...coalesced.outputs, ...worker.metafile.outputs } },
  };
  // Chunks first (content-hashed names, so a running CLI keeps its own), then the entry, then the
  // chunks no entry refers to any more.
  mkdirSync(CHUNKS, { recursive: true });
  const entry = result.outputFiles.find((f) => f.path === BUNDLE);
  const chunks = result.outputFiles.filter((f) => f !== entry);
  for (const chunk of chunks) writeFileSync(chunk.path, chunk.contents);
  writeFileSync(`${BUNDLE}.tmp-${process.pid}`, entry.contents);
  renameSync(`${BUNDLE}.tmp-${process.pid}`, BUNDLE);
  const current = new Set(chunks.map((c) => basename(c.path)));
  for (const name of readdirSync(CHUNKS)) if (!current.has(name)) rmSync(join(CHUNKS, name), { force: true });
  writeFileSync(METAFILE, JSON.stringify(result.metafile));
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  return { modules: Object.keys(result.metafile.inputs).length, bytes, chunks: chunks.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const flag = process.argv[2];
  if (flag === '--clean') {
    rmSync(BUNDLE, { force: true });
    rmSync(METAFILE, { force: true });
    rmSync(CHUNKS, { recursive: true, force: true });
  } else if (flag !== '--if-stale' || bundleIsStale()) {
    const { modules, bytes, chunks } = await bundleCli();
    console.log(`bundled ${modules} modules into ${BUNDLE} and ${chunks} chunks (${Math.round(bytes / 1024)} KiB)`);
  }
}
