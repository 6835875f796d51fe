// `node --import <this file>`: record every module the process loads, one URL or path per line, in
// the file named by BS_MODULE_LOG. ESM resolutions are recorded by a loader hook (which sees every
// `import`, static or dynamic); CommonJS `require` calls, which Node 20 does not route through
// those hooks, are recorded by wrapping Module._load. Used by bench/startup.mjs and the lazy-load
// reliability test: the assertion is on module names, never on time.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const logFile = process.env.BS_MODULE_LOG;
if (logFile) {
  register('./record-modules-hooks.mjs', import.meta.url, { data: { logFile } });
  const load = Module._load;
  Module._load = function recordRequire(request, parent, isMain) {
    try {
      appendFileSync(logFile, `cjs:${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      appendFileSync(logFile, `cjs:${request}\n`);
    }
    return load.apply(this, arguments);
  };
}
