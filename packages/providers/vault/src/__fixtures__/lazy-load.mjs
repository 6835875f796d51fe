// Run in a fresh process: reports whether node-vault is loaded after importing the provider and after create().
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).some((k) => k.includes(`${'/node_modules/'}node-vault/`));
const { default: provider } = await import(process.argv[2]);
const afterImport = loaded();
const context = {
  instanceName: 'lazy', logger: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal,
  deadline: Date.now() + 10_000, baseDir: process.cwd(), env: {}, tempDir: () => { throw new Error('unused'); },
  retry: (fn) => fn(1), registerSensitive() {},
};
const instance = await provider.create(provider.optionsSchema.parse({ address: 'http://127.0.0.1:9' }), context);
const afterCreate = loaded();
await instance.dispose();
process.stdout.write(JSON.stringify({ afterImport, afterCreate }));
