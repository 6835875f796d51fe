// `buildsecrets audit docker://…` flags: validated before anything is fetched, refused where they do
// not apply, and a registry failure exits 1 with its typed error (never a stack trace).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../test-support/run-cli-captured.js';

const TOKEN = 'audit-registry-cli-canary-8e1f0c';
let server: Server;
let address = '';
beforeAll(async () => {
  // A registry that has nothing: /v2/ answers, every manifest is unknown.
  server = createServer((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('buildsecrets audit docker://', () => {
  it('exits 1 with IMAGE_NOT_FOUND for a tag the registry does not have', async () => {
    const run = await runCliCaptured(['audit', `docker://${address}/team/app:nope`, '--json', '--values-from-env', 'TOKEN'], { env: { TOKEN, DOCKER_CONFIG: '/nonexistent' } });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'IMAGE_NOT_FOUND' } });
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('exits 2 for --tls-verify with a value other than true or false', async () => {
    const run = await runCliCaptured(['audit', `docker://${address}/team/app:v1`, '--tls-verify=maybe', '--values-from-env', 'TOKEN'], { env: { TOKEN } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--tls-verify takes true or false/);
  });

  it('exits 2 for registry flags on an image that is not docker://', async () => {
    const run = await runCliCaptured(['audit', 'app:latest', '--cert-dir', '/tmp', '--values-from-env', 'TOKEN'], { env: { TOKEN } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cert-dir applies only to docker:\/\/ references/);
  });

  it('exits 2 for a reference that is not valid', async () => {
    const run = await runCliCaptured(['audit', 'docker://Upper/Case', '--values-from-env', 'TOKEN'], { env: { TOKEN } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not a valid image reference/);
  });
});
