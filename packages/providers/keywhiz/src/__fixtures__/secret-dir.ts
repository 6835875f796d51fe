import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

/** The value the tests watch for in every error and log line. */
export const CANARY = makeCanary('keywhiz');

/** A scratch area with `root` (the secrets directory) and `outside` (a sibling it must not reach). */
export interface SecretDir {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  remove(): void;
}

/** Lay out a keywhiz-fs / Docker / Kubernetes style directory with every edge case the tests use. */
export function makeSecretDir(): SecretDir {
  const base = mkdtempSync(join(tmpdir(), 'kw-dir-'));
  const root = join(base, 'secrets');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const put = (path: string, content: string | Buffer): void => writeFileSync(join(root, path), content);
  writeFileSync(join(outside, 'stolen'), `outside-${CANARY}`);
  put('db-password', `pw-${CANARY}`);
  put('empty', '');
  put('db.json', JSON.stringify({ user: 'app', password: CANARY, nested: { port: 5432 } }));
  put('binary', Buffer.from([0, 255, 1, 254, 10, 13]));
  mkdirSync(join(root, 'team'));
  put('team/api-token', 'nested-token');
  put('big', Buffer.alloc(500 * 1024 + 1, 0x61));
  put('just-fits', Buffer.alloc(500 * 1024, 0x62));
  mkdirSync(join(root, 'a-directory'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  symlinkSync(join(outside, 'stolen'), join(root, 'escape'));
  symlinkSync(outside, join(root, 'linked-dir'));
  symlinkSync('db-password', join(root, 'alias'));
  put('.hidden', CANARY);
  // Kubernetes: <root>/token -> ..data/token, ..data -> ..2024_01_01 (an atomic-swap directory).
  mkdirSync(join(root, '..2024_01_01'));
  put('..2024_01_01/token', 'k8s-token');
  symlinkSync('..2024_01_01', join(root, '..data'));
  symlinkSync('..data/token', join(root, 'token'));
  // keywhiz-fs metadata.
  mkdirSync(join(root, '.json/secret'), { recursive: true });
  put('expired', 'old-value');
  put('.json/secret/expired', JSON.stringify({ name: 'expired', expiry: 1_000_000_000, secretLength: 9 }));
  put('fresh', 'fresh-value');
  put('.json/secret/fresh', JSON.stringify({ name: 'fresh', expiry: Math.floor(Date.now() / 1000) + 3600, secretLength: 11 }));
  put('claims-huge', 'small');
  put('.json/secret/claims-huge', JSON.stringify({ name: 'claims-huge', secretLength: 10_000_000 }));
  put('broken-meta', CANARY);
  put('.json/secret/broken-meta', `{"secret": "${CANARY}"`);
  return { base, root, outside, remove: () => rmSync(base, { recursive: true, force: true }) };
}
