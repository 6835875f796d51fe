import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { makeCanary } from '../../../test/setup/canary-values.js';
import { dockerArchive, tar, type FixtureEntry } from './__fixtures__/tar-builder.js';
import { auditImage } from './audit-image.js';

/*
 * Multi-line secrets that are whole credential files — a service-account key, an AWS credentials
 * file, an .env file, a kubeconfig, a key bundled with its certificate — share most of their lines
 * with ordinary files: SDK READMEs show example key files, every .npmrc says `always-auth=true`,
 * the trust store holds the CA certificate. Only the lines that carry the secret are searched on
 * their own, so an image with such files is clean, and a re-indented copy is still found.
 */

const dir = mkdtempSync(join(tmpdir(), 'bs-audit-credfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const token = (prefix: string, bytes = 27): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;
const pem = (label: string, body: Buffer): string => `-----BEGIN ${label}-----\n${(body.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const certificate = pem('CERTIFICATE', randomBytes(700));

/** A kubeconfig for one cluster (its CA certificate inline), with one user's credentials. */
function kubeconfig(user: string, credentials: string): string {
  const ca = Buffer.from(certificate).toString('base64');
  return `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: ${ca}\n    server: https://10.0.0.1:6443\n  name: production\ncontexts:\n- context:\n    cluster: production\n    user: ${user}\n  name: production\ncurrent-context: production\nusers:\n- name: ${user}\n  user:\n    ${credentials}\n`;
}

/** The credential files a build mounts, as their owners download or write them. */
const SECRETS: Record<string, string> = {
  gcp_key: `${JSON.stringify(
    {
      type: 'service_account',
      project_id: 'example-project-2024',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey,
      client_email: 'deployer@example-project-2024.iam.gserviceaccount.com',
      client_id: '104729384756102938475',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      universe_domain: 'googleapis.com',
    },
    null,
    2,
  )}\n`,
  aws_credentials: `[default]\naws_access_key_id = AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}\naws_secret_access_key = ${randomBytes(30).toString('base64')}\nregion = us-east-1\noutput = json\n`,
  // A log canary too: a test output that printed this file would fail the run.
  app_env: `NODE_ENV=production\nLOG_LEVEL=info\nSTRIPE_SECRET_KEY=${token('sk_live_')}\nRELEASE_NOTE=${makeCanary('release-note')}\n`,
  npmrc: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${token('npm_')}\nalways-auth=true\n`,
  tls_bundle: `${certificate}${privateKey}`,
  kubeconfig: kubeconfig('ci-deployer', `client-key-data: ${Buffer.from(privateKey).toString('base64')}`),
};
const secrets = Object.entries(SECRETS).map(([id, value]) => ({ id, value: SecretValue.from(value) }));

function archive(name: string, files: FixtureEntry[]): string {
  const path = join(dir, name);
  writeFileSync(path, dockerArchive([tar(files)], { config: {}, history: [] }));
  return path;
}

/** Files an ordinary image holds that share the public lines of those credential files. */
const ORDINARY_FILES: FixtureEntry[] = [
  {
    name: 'app/node_modules/auth-library/README.md',
    body: `Set the credentials from a key file:\n\n\`\`\`\n{\n  "type": "service_account",\n  "project_id": "your-project-id",\n  "private_key": "your-private-key",\n  "auth_uri": "https://accounts.google.com/o/oauth2/auth",\n  "token_uri": "https://oauth2.googleapis.com/token",\n  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",\n  "universe_domain": "googleapis.com"\n}\n\`\`\`\n`,
  },
  { name: 'app/node_modules/aws-sdk-docs/config.md', body: '```ini\n[default]\nregion = us-east-1\noutput = json\n```\n' },
  { name: 'app/package.json', body: '{\n  "scripts": { "start": "NODE_ENV=production node server.js" },\n  "config": { "log": "LOG_LEVEL=info" }\n}\n' },
  { name: 'root/.npmrc', body: 'registry=https://registry.npmjs.org/\nalways-auth=true\n' },
  { name: 'usr/local/share/ca-certificates/internal-ca.crt', body: certificate },
  // The application's own kubeconfig for the same cluster: another user, the same CA.
  { name: 'app/config/kubeconfig', body: kubeconfig('app-reader', `token: ${randomBytes(24).toString('base64url')}`) },
];

describe('credential files as secrets', () => {
  it('raise no alarm on ordinary files that share their public lines (an SDK README, a config doc, package.json, .npmrc, the CA certificate, another kubeconfig of the cluster)', async () => {
    const report = await auditImage({ archive: archive('ordinary.tar', ORDINARY_FILES), secrets });
    expect(report.findings).toEqual([]);
    expect(report.unscanned).toEqual([]);
  });

  it('are still found when copied re-indented into a YAML file, by the lines that carry the secret', async () => {
    const indent = (text: string): string => text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
    const yaml = Object.entries(SECRETS).map(([id, value]) => `  ${id}: |\n${indent(value)}`).join('\n');
    const report = await auditImage({ archive: archive('reindented.tar', [{ name: 'deploy/secrets.yaml', body: `stringData:\n${yaml}\n` }]), secrets });
    const found = new Map(report.findings.map((f) => [f.secretId, f.encoding]));
    expect([...found.keys()].sort()).toEqual(Object.keys(SECRETS).sort());
    expect(new Set(found.values())).toEqual(new Set(['line']));
  });
});
