import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FC_SEED, fcParams } from '../__fixtures__/fc-seed.js';
import { isSignificantLine, lineEntropyBits, MIN_LINE_BYTES, significantLines } from './line-significance.js';

const line = (text: string): Buffer => Buffer.from(text, 'latin1');
const significant = (text: string): boolean => isSignificantLine(line(text));
const linesOf = (value: string): string[] => significantLines(Buffer.from(value, 'latin1')).map((b) => b.toString('latin1'));

/** Public lines of well-known credential and key files: they stand in SDK READMEs, example files and other keys of the same kind. */
const PUBLIC_LINES = [
  // Service-account keys (Google Cloud)
  '"type": "service_account",',
  '"auth_uri": "https://accounts.google.com/o/oauth2/auth",',
  '"token_uri": "https://oauth2.googleapis.com/token",',
  '"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",',
  '"universe_domain": "googleapis.com"',
  '"client_email": "deployer@example-project-2024.iam.gserviceaccount.com",',
  // Service-principal auth files (Azure)
  '"activeDirectoryEndpointUrl": "https://login.microsoftonline.com",',
  '"resourceManagerEndpointUrl": "https://management.azure.com/",',
  '"activeDirectoryGraphResourceId": "https://graph.windows.net/",',
  '"sqlManagementEndpointUrl": "https://management.core.windows.net:8443/",',
  // AWS credentials and config, kubeconfig, docker config, npm, pip, netrc, .env
  'region = us-east-1',
  'output = json',
  'aws_secret_access_key = <your secret access key>',
  'certificate-authority-data: <base64 of the CA certificate>',
  'insecure-skip-tls-verify: true',
  'current-context: production-cluster',
  '"https://index.docker.io/v1/": {',
  '"credsStore": "desktop",',
  'always-auth=true',
  'registry=https://registry.npmjs.org/',
  'index-url = https://pypi.org/simple',
  'machine github.com',
  'login x-access-token',
  'NODE_ENV=production',
  'ASPNETCORE_ENVIRONMENT=Production',
  'AWS_DEFAULT_REGION=eu-west-1',
  'JAVA_TOOL_OPTIONS=-XX:+UseContainerSupport',
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin',
  'export GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp_key',
  // ssh_config (OpenSSH ships these lines in /etc/ssh/ssh_config)
  'IdentityFile ~/.ssh/id_ed25519',
  'UserKnownHostsFile /dev/null',
  'StrictHostKeyChecking accept-new',
];

/** Words credential files, hosts, paths and identifiers are made of. */
const VOCABULARY = (
  'service account client secret token access key private public region default production staging ' +
  'endpoint management directory resource graph cluster context server certificate authority data ' +
  'registry always auth login password machine github google microsoft azure amazon docker config ' +
  'project deploy builder release version storage bucket database admin settings options output ' +
  'provider credentials application environment container runtime logging level debug info warning ' +
  'user name email domain universe oauth metadata robot certs simple index package library module'
).split(' ');

/** Alphabets tokens and keys are drawn from. */
const ALPHABETS: Record<string, { chars: string; mixedCase: boolean }> = {
  base64: { chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', mixedCase: true },
  base62: { chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', mixedCase: true },
  'base32 (upper case)': { chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', mixedCase: false },
  'lower case and digits': { chars: 'abcdefghijklmnopqrstuvwxyz0123456789', mixedCase: false },
  'lower case': { chars: 'abcdefghijklmnopqrstuvwxyz', mixedCase: false },
};

/** The share of lines `KEY=<token>` that count, over 2,000 tokens of `length` drawn from `chars` with this process's seed. */
function shareCounted(chars: string, length: number): number {
  const tokens = fc.sample(fc.noBias(fc.string({ unit: fc.constantFrom(...chars), minLength: length, maxLength: length })), { seed: FC_SEED, numRuns: 2000 });
  return tokens.filter((t) => significant(`API_TOKEN=${t}`)).length / tokens.length;
}

describe('which lines of a multi-line value identify it', () => {
  it('never counts armour, the fixed OpenSSH header line, short lines or runs of one character', () => {
    for (const text of [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      '-----END RSA PRIVATE KEY-----',
      '---- BEGIN SSH2 PUBLIC KEY ----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'Zq3!x9Lp0aB7Ke2',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      expect(significant(text), text).toBe(false);
    }
  });

  it('never counts the public lines of credential files (service-account keys, Azure auth files, AWS, kube, docker, npm, netrc, .env, ssh_config)', () => {
    for (const text of PUBLIC_LINES) expect(significant(text), text).toBe(false);
  });

  it('counts almost no line made of words: identifiers, host names and URLs in JSON, YAML, INI and .env shapes (≤ 1 %)', () => {
    const word = fc.constantFrom(...VOCABULARY);
    const identifier = fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom('_', '-', '.', '', 'camel')).map(([words, sep]) =>
      sep === 'camel' ? words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('') : words.join(sep),
    );
    const host = fc.array(word, { minLength: 2, maxLength: 4 }).map((labels) => `${labels.join('.')}.com`);
    const url = fc.tuple(host, fc.array(identifier, { maxLength: 4 })).map(([h, path]) => `https://${h}/${path.join('/')}`);
    const value = fc.oneof(identifier, host, url, identifier.map((i) => i.toUpperCase()));
    const shaped = fc.tuple(identifier, value, fc.constantFrom('json', 'yaml', 'ini', 'env')).map(([key, v, shape]) =>
      shape === 'json' ? `"${key}": "${v}",` : shape === 'yaml' ? `${key}: ${v}` : shape === 'ini' ? `${key} = ${v}` : `${key.toUpperCase()}=${v}`,
    );
    // A rate, not "never": words with rare letter pairs ("always", "google") can score like random text; ≈ 0.3 % do.
    const lines = fc.sample(shaped, { seed: FC_SEED, numRuns: 5000 });
    const counted = lines.filter(significant);
    expect(counted.length / lines.length, counted.slice(0, 5).join(' | ')).toBeLessThanOrEqual(0.01);
  });

  it('counts a token after its label, a password in a URL, a webhook path, a hex id and the random part of a prefixed token', () => {
    for (const text of [
      'glpat-xK9mQ2vL8pR4tN7wZ3cB',
      'deploy-token-generated-one-a1b2c3d4e5f60718',
      'password tok_f5nQzksgEeOp6Eq0ZqQw561uQKQOm1h4skpj',
      '"private_key_id": "4c4331ccc6d6672b93e152e126385ec0a9f2b7d1",',
      'aws_secret_access_key = Xk2r9QmV4pLs8TbN1wYh6ZcJ0dFg3uEa/Ro7iK5t',
      'DATABASE_URL=postgres://app:X9VtjBhcSxfRgXHrrgBEqn4k@db.internal.example.com:5432/app',
      'webhook: https://hooks.example.com/services/T0AB12CD3/B0EF45GH6/q8Zr2xKp9LmN4vB7tY1wQe3s',
      '//registry.npmjs.org/:_authToken=npm_RxfINVm06gBGNk2Lq9ZsT4wY8cPa7JdE3hUo',
      'AGE-SECRET-KEY-182MJJTSGJ2XEEX8NHM629EM260G0R8MFPD9CEA4RFF2WGTX4FTHR0VZ88S',
    ]) {
      expect(significant(text), text).toBe(true);
    }
  });

  it('counts every body line of real keys (PKCS#8, PKCS#1, SEC1 from node:crypto), and none of their armour', () => {
    const keys = [
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }),
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }),
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
    ] as string[];
    for (const key of keys) {
      const body = key.trim().split('\n').slice(1, -1);
      expect(linesOf(key)).toEqual(body);
    }
  });

  it('counts lines holding a random token of 16+ characters: mixed case ≥ 95 %, single case ≥ 88 %, 40 characters ≥ 93 %', () => {
    for (const [name, { chars, mixedCase }] of Object.entries(ALPHABETS)) {
      for (const length of [16, 24]) expect(shareCounted(chars, length), `${name}, ${length}`).toBeGreaterThanOrEqual(mixedCase ? 0.95 : 0.88);
      expect(shareCounted(chars, 40), `${name}, 40`).toBeGreaterThanOrEqual(0.93);
    }
  });

  it('hex lines of 30+ characters (15+ random bytes, as key ids and digests are written) always count', () => {
    fc.assert(
      fc.property(fc.noBias(fc.uint8Array({ minLength: 15, maxLength: 60 })), (raw) => {
        expect(significant(Buffer.from(raw).toString('hex'))).toBe(true);
      }),
      fcParams(300),
    );
  });

  it('skips certificates and public keys bundled with a key, and an OpenSSH public key line', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const certificateLike = `-----BEGIN CERTIFICATE-----\n${publicPem.trim().split('\n').slice(1, -1).join('\n')}\n-----END CERTIFICATE-----\n`;
    const bundle = `${certificateLike}${publicPem}${privatePem}ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIi1QJaHteCV7pPFVHM7O2Tph9SGKQWrYYAAAACGNpQGJ1aWxk ci@build\n`;
    expect(linesOf(bundle)).toEqual(privatePem.trim().split('\n').slice(1, -1));
  });

  it('skips the base64 of a whole certificate (kubeconfig certificate-authority-data), counts that of a private key', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicBody = (key.publicKey.export({ type: 'spki', format: 'pem' }) as string).trim().split('\n').slice(1, -1).join('\n');
    const certificate = Buffer.from(`-----BEGIN CERTIFICATE-----\n${publicBody}\n-----END CERTIFICATE-----\n`).toString('base64');
    const privateKey = Buffer.from(key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).toString('base64');
    expect(significant(`certificate-authority-data: ${certificate}`)).toBe(false);
    expect(significant(`client-key-data: ${privateKey}`)).toBe(true);
  });

  it('the entropy measure depends only on which bytes occur how often (order does not matter), and is 0 for one repeated byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, seed) => {
        const shuffled = [...bytes].map((b, i) => [b, (i * 7919 + seed) % 1009] as const).sort((a, b) => a[1] - b[1]).map(([b]) => b);
        expect(lineEntropyBits(Uint8Array.from(shuffled))).toBeCloseTo(lineEntropyBits(bytes), 6);
        if (bytes.length > 0) expect(lineEntropyBits(new Uint8Array(bytes.length).fill(bytes[0]!))).toBe(0);
      }),
      fcParams(200),
    );
  });

  it('the entropy measure is bounded by length × log2(distinct bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        const distinct = new Set(bytes).size;
        expect(lineEntropyBits(bytes)).toBeLessThanOrEqual(bytes.length * Math.log2(distinct) + 1e-9);
      }),
      fcParams(200),
    );
  });

  it('a line under the minimum length never counts, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: MIN_LINE_BYTES - 1 }), (text) => {
        expect(significant(text)).toBe(false);
      }),
      fcParams(300),
    );
  });
});
