import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startSsmTestServer, type SsmTestServer } from './ssm-test-server.js';

let server: SsmTestServer;
const quiet = process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

const client = (secretAccessKey = server.credentials.secretAccessKey): SSMClient =>
  new SSMClient({ region: server.region, endpoint: server.endpoint, maxAttempts: 1, credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey } });

beforeAll(async () => {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  server = await startSsmTestServer();
  server.putParameter('/ci/token', 'v1');
  server.putParameter('/ci/token', 'v2', { labels: ['prod'] });
  server.putParameter('/ci/token', 'v3');
  server.putParameter('plain', 'text', { type: 'String' });
  server.putParameter('/ci/list', 'a,b,c', { type: 'StringList' });
});
afterAll(async () => {
  if (quiet === undefined) delete process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  await server.close();
});

describe('SSM test server', () => {
  it('answers GetParameters with decrypted values, versions, labels and InvalidParameters', async () => {
    const out = await client().send(new GetParametersCommand({ Names: ['/ci/token', '/ci/token:1', '/ci/token:prod', 'plain', '/ci/list', 'nope', '/ci/token:9'], WithDecryption: true }));
    const got = Object.fromEntries((out.Parameters ?? []).map((p) => [`${p.Name}${p.Selector ?? ''}`, [p.Value, p.Version, p.Type]]));
    expect(got).toEqual({
      '/ci/token': ['v3', 3, 'SecureString'],
      '/ci/token:1': ['v1', 1, 'SecureString'],
      '/ci/token:prod': ['v2', 2, 'SecureString'],
      plain: ['text', 1, 'String'],
      '/ci/list': ['a,b,c', 1, 'StringList'],
    });
    expect(out.InvalidParameters).toEqual(['nope', '/ci/token:9']);
  });

  it('hides SecureString values without WithDecryption, and refuses more than 10 names', async () => {
    const out = await client().send(new GetParametersCommand({ Names: ['/ci/token'] }));
    expect(out.Parameters?.[0]?.Value).not.toBe('v3');
    const names = Array.from({ length: 11 }, (_, i) => `p${i}`);
    await expect(client().send(new GetParametersCommand({ Names: names }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('fails a whole call that names a parameter it was told to fail, records requests, checks signatures', async () => {
    server.resetCounts();
    server.failParameter('plain', 'AccessDeniedException');
    await expect(client().send(new GetParametersCommand({ Names: ['plain', '/ci/token'] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    server.failParameter('plain', undefined);
    await expect(client('wrong').send(new GetParametersCommand({ Names: ['plain'] }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    server.failNext(1, 'server-error');
    await expect(client().send(new GetParametersCommand({ Names: ['plain'] }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    // The badly signed call is refused before it counts: only signed requests are counted.
    expect(server.count()).toBe(2);
    expect(server.requests).toEqual([['plain', '/ci/token']]);
  });
});
