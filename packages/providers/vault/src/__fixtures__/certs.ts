import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, as files and PEM text. */
export interface TestCerts {
  readonly dir: string;
  readonly files: { readonly ca: string; readonly serverKey: string; readonly serverCert: string; readonly clientKey: string; readonly clientCert: string };
  readonly pem: { readonly ca: Buffer; readonly serverKey: Buffer; readonly serverCert: Buffer };
  remove(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Make {@link TestCerts} with the openssl CLI (EC keys: fast). */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'vault-tls-test-'));
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir, timeout: 20_000 });
  await openssl('req', '-x509', ...EC, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=buildsecrets test CA');
  await writeFile(f('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await writeFile(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    await openssl('req', ...EC, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'buildsecrets-client'}`);
    await openssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${who}.pem`), '-days', '1', '-extfile', f(`${who}.ext`));
  }
  return {
    dir,
    files: { ca: f('ca.pem'), serverKey: f('server.key'), serverCert: f('server.pem'), clientKey: f('client.key'), clientCert: f('client.pem') },
    pem: { ca: await readFile(f('ca.pem')), serverKey: await readFile(f('server.key')), serverCert: await readFile(f('server.pem')) },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
