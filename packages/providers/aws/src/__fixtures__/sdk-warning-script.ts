// Child-process script: make an aws provider (or, with "raw", a bare SDK client) and print what
// reached our logger; whatever the SDK writes to stderr stays in the child's stderr.
import type { ProviderContext } from '@buildsecrets/core';
import aws from '@buildsecrets/provider-aws';

const lines: string[] = [];
const log = (level: string) => (m: string) => void lines.push(`${level}: ${m}`);
const context: ProviderContext = {
  instanceName: 'x', logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  signal: new AbortController().signal, deadline: Date.now() + 10_000, baseDir: process.cwd(), env: process.env,
  tempDir: () => Promise.reject(new Error('unused')), retry: (fn) => fn(1), registerSensitive() {},
};
if (process.argv[2] === 'raw') {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  new SecretsManagerClient({ region: 'us-east-1' }).destroy();
} else {
  await (await aws.create({ region: 'us-east-1' }, context)).dispose();
  await (await aws.create({ region: 'us-east-1' }, context)).dispose();
  process.emitWarning('an unrelated warning stays visible');
}
await new Promise((r) => setImmediate(r));
process.stdout.write(JSON.stringify(lines));
