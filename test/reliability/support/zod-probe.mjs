// Preloaded with `node --import` into a CLI run: at exit, says on stderr whether zod was evaluated.
// zod 4 sets globalThis.__zod_globalConfig when its core module runs (every copy, bundled or not),
// so its absence proves that no zod code ran, not only that no zod file was imported.
process.on('exit', () => {
  process.stderr.write(`\n[zod-probe] ${globalThis.__zod_globalConfig === undefined ? 'zod not evaluated' : 'zod evaluated'}\n`);
});
