// Child-process script: exercise a config path that uses no cloud provider, optionally create one,
// and print which cloud SDK modules were loaded (ESM resolutions from the hook log, CJS from require.cache).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SecretValue, configSchema, defineProvider, secretOk, silentLogger, z, type ProviderContext } from '@buildsecrets/core';
import aws from '@buildsecrets/provider-aws';
import gcp from '@buildsecrets/provider-gcp';

const mode = process.argv[2] ?? 'none';
const envLike = defineProvider({
  apiVersion: 1,
  name: 'env-like',
  optionsSchema: z.object({}).strict(),
  capabilities: {},
  create: () => ({
    resolve: async (requests) => requests.map((r) => secretOk(r.id, SecretValue.from(process.env[r.ref] ?? ''))),
    dispose() {},
  }),
});
const context: ProviderContext = {
  instanceName: 'x', logger: silentLogger, signal: new AbortController().signal, deadline: Date.now() + 10_000, baseDir: process.cwd(), env: process.env,
  tempDir: () => Promise.reject(new Error('unused')), retry: (fn) => fn(1), registerSensitive() {},
};
configSchema.parse({ version: 1, providers: { local: { use: 'env' } }, secrets: { token: { from: 'local', ref: 'HOME' } } });
aws.optionsSchema.parse({ region: 'us-east-1' });
gcp.optionsSchema.parse({ projectId: 'my-project' });
const provider = await envLike.create({}, context);
await provider.resolve([{ id: 'token', ref: 'HOME' }], context.signal);
if (mode === 'aws') await (await aws.create({ region: 'us-east-1' }, context)).dispose();
if (mode === 'gcp') await (await gcp.create({ projectId: 'my-project', apiEndpoint: '127.0.0.1', port: 1, insecure: true }, context)).dispose();

const esm = readFileSync(process.env.BS_LOAD_LOG!, 'utf8').split('\n').filter(Boolean);
const cjs = Object.keys(createRequire(import.meta.url).cache).filter((k) => /\/node_modules\/(@aws-sdk|@google-cloud|google-gax)\//.test(k));
process.stdout.write(JSON.stringify({ aws: [...esm, ...cjs].some((u) => u.includes('@aws-sdk')), gcp: [...esm, ...cjs].some((u) => u.includes('@google-cloud') || u.includes('google-gax')) }));
