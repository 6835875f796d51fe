import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { ConfigError, defineProvider, pickKey, secretFailed, secretOk, SecretValue, type ProviderContext, type SecretProvider, type SecretRequest, type SecretResult } from '@buildsecrets/core';
import { abortable } from './abortable.js';
import { toSecretError } from './failure.js';
import { displayAddress } from './http-failure.js';
import { MountResolver } from './mounts.js';
import { vaultOptionsSchema, type VaultProviderOptions } from './options.js';
import { readSecret, type SecretRead } from './read-secret.js';
import { VaultSession, rejectsToken } from './session.js';
import { VaultHttp, type TlsMaterial } from './vault-http.js';

async function readPem(file: string | undefined, field: string, context: ProviderContext): Promise<Buffer | undefined> {
  if (!file) return undefined;
  const path = isAbsolute(file) ? file : resolvePath(context.baseDir, file);
  try {
    return await readFile(path);
  } catch {
    throw new ConfigError([{ path: field, message: `cannot read ${path}` }], { provider: context.instanceName, hint: 'fix the path (relative paths start at the config file directory)' });
  }
}

async function loadTls(options: VaultProviderOptions, context: ProviderContext): Promise<TlsMaterial> {
  if (options.tlsSkipVerify) {
    context.logger.warn(`vault provider "${context.instanceName}": tlsSkipVerify is on — the Vault server certificate is NOT verified, so anyone on the network path can impersonate Vault and receive the token. Use caCert instead.`);
  }
  const [ca, cert, key] = await Promise.all([
    readPem(options.caCert ?? context.env['VAULT_CACERT'], 'caCert', context),
    readPem(options.clientCert, 'clientCert', context),
    readPem(options.clientKey, 'clientKey', context),
  ]);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), skipVerify: options.tlsSkipVerify };
}

function addressOf(options: VaultProviderOptions, context: ProviderContext): string {
  const address = options.address ?? context.env['VAULT_ADDR'];
  const issue = (message: string) => new ConfigError([{ path: 'address', message }], { provider: context.instanceName, hint: 'set `address` in the provider options or VAULT_ADDR' });
  if (!address) throw issue('no Vault address: neither `address` nor VAULT_ADDR is set');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw issue('VAULT_ADDR is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw issue('the Vault address must start with http:// or https://');
  if (url.username || url.password) throw issue('the Vault address must not hold credentials');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

const cacheKey = (r: SecretRequest) => `${r.ref}\u0000${r.version ?? ''}`;
const cleanRef = (ref: string) => ref.replace(/^\/+|\/+$/g, '').replace(/^v1\//, '');

/** Make a provider instance: one HTTP client, one login and one read cache per instance. */
async function createVaultProvider(options: VaultProviderOptions, context: ProviderContext): Promise<SecretProvider> {
  const address = addressOf(options, context);
  const namespace = options.namespace ?? context.env['VAULT_NAMESPACE'];
  const tls = await loadTls(options, context);
  if (address.startsWith('http:') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(address)) {
    context.logger.warn(`vault provider "${context.instanceName}": ${displayAddress(address)} is plain http; the Vault token crosses the network unencrypted`);
  }
  for (const [label, value] of [['vault token', options.auth.method === 'token' ? options.auth.token : undefined], ['vault approle secret id', options.auth.method === 'approle' ? options.auth.secretId : undefined], ['vault password', options.auth.method === 'userpass' ? options.auth.password : undefined]] as const) {
    if (value) context.registerSensitive(label, value);
  }
  const http = await VaultHttp.create({ address, namespace, tls, timeoutMs: options.timeoutMs, deadline: context.deadline });
  const session = new VaultSession(http, options.auth, {
    address,
    env: context.env,
    baseDir: context.baseDir,
    signal: context.signal,
    debug: (m) => context.logger.debug(`vault provider "${context.instanceName}": ${m}`),
    sensitive: (label, value) => context.registerSensitive(label, value),
  }, context);
  const mounts = new MountResolver(http, address, context.signal);
  // One read per path and version for the whole run: secrets picking different keys of one path
  // share it, and dynamic credentials (username + password) come from the same lease.
  const reads = new Map<string, Promise<SecretRead>>();
  let disposed = false;

  const read = (request: SecretRequest, signal: AbortSignal): Promise<SecretRead> => {
    const key = cacheKey(request);
    let pending = reads.get(key);
    if (!pending) {
      const ref = cleanRef(request.ref);
      pending = (async () => {
        for (let attempt = 1; ; attempt++) {
          const token = await session.token(context.signal);
          try {
            const mount = await mounts.resolve(ref, token, context.signal);
            return await readSecret(http, { ref, version: request.version, mount }, token, context.signal, address);
          } catch (error) {
            // A login's token expired (TTL) or was revoked mid-run: log in once more, as Vault
            // agents do. A configured static token cannot be renewed, so its rejection stands.
            if (attempt > 1 || options.auth.method === 'token' || !rejectsToken(error)) throw error;
            context.logger.debug(`vault provider "${context.instanceName}": the client token was refused as invalid; logging in again`);
            session.expire(token);
          }
        }
      })();
      reads.set(key, pending);
      pending.catch(() => reads.get(key) === pending && reads.delete(key));
    }
    return abortable(pending, signal);
  };

  const resolveOne = async (request: SecretRequest, signal: AbortSignal): Promise<SecretResult> => {
    try {
      const { data, versionId } = await read(request, signal);
      const at = { secretId: request.id, provider: context.instanceName };
      return secretOk(request.id, request.key !== undefined ? pickKey(data, request.key, at) : SecretValue.from(typeof data === 'string' ? data : JSON.stringify(data)), versionId);
    } catch (error) {
      return secretFailed(request.id, toSecretError(error, request.id, context.instanceName));
    }
  };

  return {
    resolve: (requests, signal) => Promise.all(requests.map((r) => resolveOne(r, signal))),
    describe: (r) => `vault ${displayAddress(address)}${namespace ? ` namespace ${namespace}` : ''} ${cleanRef(r.ref)}${r.key !== undefined ? ` key ${r.key}` : ''}${r.version !== undefined ? ` version ${r.version}` : ''}`,
    dispose() {
      if (disposed) return;
      disposed = true;
      reads.clear();
      mounts.clear();
      session.reset();
      http.dispose();
    },
  };
}

/**
 * The `vault` provider: HashiCorp Vault KV v1/v2 and any readable engine (dynamic database
 * credentials, …) over node-vault, with token, AppRole, Kubernetes, JWT/OIDC and userpass login.
 *
 * @example
 * ```yaml
 * providers:
 *   ci-vault:
 *     use: vault
 *     options: { address: "https://vault.example:8200", auth: { method: approle, roleId: "${VAULT_ROLE_ID}", secretId: "${VAULT_SECRET_ID}" } }
 * secrets:
 *   npm_token: { from: ci-vault, ref: secret/ci/npm, key: token }
 * ```
 */
const vaultProvider = defineProvider<VaultProviderOptions>({
  apiVersion: 1,
  name: 'vault',
  description: 'HashiCorp Vault: KV v1/v2 (versions, keys) and generic reads, with token, AppRole, Kubernetes, JWT and userpass login',
  optionsSchema: vaultOptionsSchema,
  // Not `batch`: Vault has no batch read, so the resolver hands over one request per call and its
  // concurrency limit and per-request timeout apply; reads of one path are shared by the run cache.
  // versionIds: KV v2 reads return `<path>@<metadata.version>` for `cache: version`.
  capabilities: { keys: true, versions: true, versionIds: true },
  create: createVaultProvider,
});

export default vaultProvider;
