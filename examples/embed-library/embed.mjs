// Embedding buildsecrets in your own tool: load a config, plan, resolve, and always dispose.
// Run: node examples/embed-library/embed.mjs   (after `npm run build`)
import { createBuildSecrets, defineProvider, secretOk, SecretNotFoundError, secretFailed, z } from '@buildsecrets/core';

/** A provider defined in code and registered programmatically (no package needed). */
const inMemory = defineProvider({
  apiVersion: 1,
  name: 'in-memory',
  optionsSchema: z.object({}).strict(),
  capabilities: {},
  create: (_options, context) => ({
    async resolve(requests) {
      const store = { 'release-signing-key': 'in-memory-value-5d1c7a9e2b' };
      return requests.map((r) =>
        r.ref in store
          ? secretOk(r.id, store[r.ref])
          : secretFailed(r.id, new SecretNotFoundError(`nothing stored under ${r.ref}`, { secretId: r.id, provider: context.instanceName })),
      );
    },
    dispose() {},
  }),
});

/** Resolve the example config and report what was resolved — sizes only, never values. */
export async function main({ env = process.env, log = console.log } = {}) {
  const bs = await createBuildSecrets({
    config: {
      version: 1,
      providers: { local: { use: 'env' }, mem: { use: 'in-memory' } },
      secrets: {
        npm_token: { from: 'local', ref: 'EMBED_NPM_TOKEN' },
        signing_key: { from: 'mem', ref: 'release-signing-key', inject: 'none' },
      },
    },
    providers: { 'in-memory': inMemory },
    env,
    log: (line) => log(line),
  });
  try {
    const plan = await bs.plan();
    for (const s of plan.secrets) log(`plan: ${s.id} from ${s.provider} (${s.use}) via ${s.inject}`);
    const values = await bs.resolve();
    // Values print as [redacted]; reading them is explicit: value.reveal() / value.revealString().
    for (const [id, value] of values) log(`resolved: ${id} (${value.length} bytes) ${value}`);
    return [...values.keys()];
  } finally {
    await bs.dispose(); // wipes values, disposes providers, removes temp files
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main({ env: { ...process.env, EMBED_NPM_TOKEN: process.env.EMBED_NPM_TOKEN ?? 'embed-demo-token-8c2f' } }).catch((err) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
