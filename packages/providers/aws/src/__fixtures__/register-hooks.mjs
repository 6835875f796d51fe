import { register } from 'node:module';
register('./workspace-hooks.mjs', import.meta.url, { data: { root: process.env.BS_ROOT, logFile: process.env.BS_LOAD_LOG } });
