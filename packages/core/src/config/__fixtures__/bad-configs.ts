/**
 * A table of malformed configs, shared by the core loader tests and the CLI (which asserts exit
 * code 2 for each). Stable export: add rows freely, do not rename fields.
 *
 * Each row is written verbatim to a file named `buildsecrets.yaml` (or `buildsecrets.json` when
 * `format` is `json`) and loaded with `env` as the whole environment. Loading must throw a
 * `ConfigError` that has an issue at `expectPath` (`''` = the whole file), and no message may
 * contain {@link BAD_CONFIG_CANARY}, which every row plants somewhere in its text or environment.
 */
export interface BadConfig {
  /** What is wrong, as a test title. */
  readonly name: string;
  /** The file content; bytes for rows that are not valid UTF-8. */
  readonly text: string | Uint8Array;
  /** File syntax (default `yaml`). */
  readonly format?: 'yaml' | 'json';
  /** The environment to load with (default: empty). */
  readonly env?: Readonly<Record<string, string>>;
  /** The path of the issue the error must contain. */
  readonly expectPath: string;
}

/** A value planted in every bad config; it must never appear in an error. */
export const BAD_CONFIG_CANARY = 'bsCanary_9f2c71e4d0a8';

const C = BAD_CONFIG_CANARY;

/** A valid config with the canary in a provider option and a ref, plus `extraSecrets` lines under `secrets:`. */
function config(extraSecrets = '', top = ''): string {
  return [
    'version: 1',
    'providers:',
    '  local:',
    '    use: env',
    `    options: { prefix: "${C}" }`,
    '  ci-vault:',
    '    use: vault',
    'secrets:',
    `  canary_ref: { from: local, ref: "${C}" }`,
    extraSecrets,
    top,
  ].join('\n');
}

const VALID_JSON = { version: 1, providers: { local: { use: 'env', options: { prefix: C } } }, secrets: { npm_token: { from: 'local', ref: C } } };

/** The table. Keep it at 30 rows or more. */
export const BAD_CONFIGS: readonly BadConfig[] = [
  { name: 'unsupported version', text: config().replace('version: 1', 'version: 2'), expectPath: 'version' },
  { name: 'missing version', text: config().replace('version: 1\n', ''), expectPath: 'version' },
  { name: 'version as a word', text: config().replace('version: 1', 'version: "one"'), expectPath: 'version' },
  { name: 'version 2 (only 1 exists)', text: config().replace('version: 1', 'version: "2"'), expectPath: 'version' },
  { name: 'unknown top-level key (typo of secrets)', text: config().replace('secrets:', 'secret:'), expectPath: 'secret' },
  { name: 'unknown key in a secret (inejct)', text: config(`  npm_token: { from: local, ref: NPM, inejct: build-arg }`), expectPath: 'secrets.npm_token.inejct' },
  { name: 'unknown key in a provider', text: config().replace('    use: vault', `    use: vault\n    opts: { token: "${C}" }`), expectPath: 'providers.ci-vault.opts' },
  { name: 'unknown key in build', text: config('', 'build: { audti: true }'), expectPath: 'build.audti' },
  { name: 'unknown key in resolve', text: config('', 'resolve: { timeout: 5 }'), expectPath: 'resolve.timeout' },
  { name: 'unknown provider in from', text: config('  npm_token: { from: vault2, ref: secret/ci/npm }'), expectPath: 'secrets.npm_token.from' },
  { name: 'missing from', text: config('  npm_token: { ref: secret/ci/npm }'), expectPath: 'secrets.npm_token.from' },
  { name: 'empty ref', text: config('  npm_token: { from: local, ref: "" }'), expectPath: 'secrets.npm_token.ref' },
  { name: 'ref of the wrong type', text: config('  npm_token: { from: local, ref: [a, b] }'), expectPath: 'secrets.npm_token.ref' },
  { name: 'bad inject value', text: config(`  npm_token: { from: local, ref: NPM, inject: "${C}" }`), expectPath: 'secrets.npm_token.inject' },
  { name: 'build-arg field on a secret-mount secret', text: config('  npm_token: { from: local, ref: NPM, buildArg: NPM_TOKEN }'), expectPath: 'secrets.npm_token.buildArg' },
  { name: 'maxReads on a build-arg secret', text: config('  proxy: { from: local, ref: P, inject: build-arg, maxReads: 2 }'), expectPath: 'secrets.proxy.maxReads' },
  { name: 'sshId on a secret-mount secret', text: config('  key: { from: local, ref: K, sshId: default }'), expectPath: 'secrets.key.sshId' },
  { name: 'env with source file', text: config('  tok: { from: local, ref: T, source: file, env: TOKEN }'), expectPath: 'secrets.tok.env' },
  { name: 'invalid secret id', text: config('  "bad id!": { from: local, ref: X }'), expectPath: 'secrets.bad id!' },
  { name: 'invalid provider name', text: config().replace('  local:', '  "my vault":').replace(/from: local/g, 'from: "my vault"'), expectPath: 'providers.my vault' },
  { name: 'passphraseFrom an unknown secret', text: config('  deploy: { from: local, ref: K, inject: ssh-agent, passphraseFrom: nope }'), expectPath: 'secrets.deploy.passphraseFrom' },
  { name: 'passphraseFrom itself', text: config('  deploy: { from: local, ref: K, inject: ssh-agent, passphraseFrom: deploy }'), expectPath: 'secrets.deploy.passphraseFrom' },
  { name: 'negative concurrency', text: config('', 'resolve: { concurrency: -1 }'), expectPath: 'resolve.concurrency' },
  { name: 'negative maxReads', text: config('  f: { from: local, ref: F, inject: served-file, maxReads: -3 }'), expectPath: 'secrets.f.maxReads' },
  { name: 'fractional timeout', text: config('', 'resolve: { timeoutMs: 1.5 }'), expectPath: 'resolve.timeoutMs' },
  { name: 'port out of range', text: config('', 'build: { servedFile: { port: 70000 } }'), expectPath: 'build.servedFile.port' },
  { name: 'audit neither boolean nor warn', text: config('', `build: { audit: "${C}" }`), expectPath: 'build.audit' },
  { name: 'providers as a list', text: config().replace('providers:\n  local:', 'providers:\n  - local:').replace('\n  ci-vault:\n    use: vault', ''), expectPath: 'providers' },
  { name: 'secrets left empty (null)', text: `version: 1\nproviders: { local: { use: env, options: { prefix: "${C}" } } }\nsecrets:\n`, expectPath: 'secrets' },
  { name: 'empty use', text: config().replace('    use: env', '    use: ""'), expectPath: 'providers.local.use' },
  { name: 'duplicate build-arg names', text: config('  a: { from: local, ref: A, inject: build-arg, buildArg: PROXY }\n  b: { from: local, ref: B, inject: build-arg, buildArg: PROXY }'), expectPath: 'secrets.b.buildArg' },
  { name: 'build-arg id that is not an ARG name', text: config('  my-token: { from: local, ref: A, inject: build-arg }'), expectPath: 'secrets.my-token' },
  { name: 'duplicate plain keys', text: config(`  npm_token: { from: local, ref: A }\n  npm_token: { from: local, ref: "${C}" }`), expectPath: 'secrets.npm_token' },
  {
    name: 'duplicate id through a merge key',
    text: config(`  <<: { npm_token: { from: local, ref: "${C}" } }\n  npm_token: { from: local, ref: B }`),
    expectPath: 'secrets.npm_token',
  },
  {
    name: 'duplicate id from two merge sources',
    text: config(`  <<: [ { npm_token: { from: local, ref: A } }, { npm_token: { from: local, ref: "${C}" } } ]`),
    expectPath: 'secrets.npm_token',
  },
  { name: 'duplicate id through an anchored key and its alias', text: config(`  &id npm_token: { from: local, ref: A }\n  *id : { from: local, ref: "${C}" }`), expectPath: 'secrets.npm_token' },
  { name: 'duplicate id as number and string', text: config(`  1: { from: local, ref: A }\n  "1": { from: local, ref: "${C}" }`), expectPath: 'secrets.1' },
  { name: 'malformed interpolation (digit first)', text: config(`  npm_token: { from: local, ref: "\${1BAD}" }`), expectPath: 'secrets.npm_token.ref' },
  { name: 'unclosed interpolation', text: config(`  npm_token: { from: local, ref: "\${NPM" }`), expectPath: 'secrets.npm_token.ref' },
  {
    name: 'unset variable without default',
    text: config().replace('    use: vault', '    use: vault\n    options: { auth: { method: approle, roleId: "${VAULT_ROLE_ID}", secretId: "${VAULT_SECRET_ID}" } }'),
    env: { VAULT_SECRET_ID: C },
    expectPath: 'providers.ci-vault.options.auth.roleId',
  },
  { name: 'interpolated provider name that is not defined', text: config('  npm_token: { from: "${PROVIDER}", ref: A }'), env: { PROVIDER: C }, expectPath: 'secrets.npm_token.from' },
  { name: 'YAML syntax error (unclosed bracket)', text: `version: 1\nproviders: { local: { use: env, options: { prefix: "${C}" }\nsecrets: {}\n`, expectPath: '' },
  { name: 'tab indentation', text: `version: 1\nproviders:\n\tlocal: { use: env, options: { prefix: "${C}" } }\nsecrets: {}\n`, expectPath: '' },
  { name: 'missing colon makes a multiline key', text: `version: 1\nproviders\n  local: { use: env, options: { prefix: "${C}" } }\nsecrets: {}\n`, expectPath: '' },
  { name: 'two YAML documents', text: `${config()}\n---\nsecret: "${C}"\n`, expectPath: '' },
  { name: 'a 10 MB file', text: `${config()}\n# ${'x'.repeat(10 * 1024 * 1024)}\n`, expectPath: '' },
  { name: 'binary garbage with NUL bytes', text: `\u0000\u0001\u0002${C}\u0000\u00ff`, expectPath: '' },
  { name: 'invalid UTF-8', text: Uint8Array.from([...Buffer.from(`version: 1\n# ${C}\n`), 0xc3, 0x28, 0xff, 0xfe]), expectPath: '' },
  { name: 'alias bomb', text: `a: &a ["${C}","${C}","${C}","${C}","${C}","${C}","${C}","${C}","${C}"]\n${['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`).join('\n')}\n`, expectPath: '' },
  { name: 'brackets nested absurdly deep', text: `version: 1\nsecrets: ${'['.repeat(5000)}"${C}"${']'.repeat(5000)}\n`, expectPath: '' },
  { name: 'empty file', text: `# only a comment mentioning ${C}\n`, expectPath: '' },
  { name: 'top-level list', text: `- version: 1\n- "${C}"\n`, expectPath: '' },
  { name: 'JSON syntax error', text: `{ "version": 1, "providers": { "local": { "use": "env", "options": { "prefix": ${C} } } }, "secrets": {} }`, format: 'json', expectPath: '' },
  {
    name: 'JSON duplicate keys',
    text: `{ "version": 1, "providers": { "local": { "use": "env" } }, "secrets": { "npm_token": { "from": "local", "ref": "A" }, "npm_token": { "from": "local", "ref": "${C}" } } }`,
    format: 'json',
    expectPath: 'secrets.npm_token',
  },
  { name: 'JSON wrong type', text: JSON.stringify({ ...VALID_JSON, version: true }), format: 'json', expectPath: 'version' },
  { name: 'JSON unknown key with did-you-mean', text: JSON.stringify({ ...VALID_JSON, providres: {} }), format: 'json', expectPath: 'providres' },
];
