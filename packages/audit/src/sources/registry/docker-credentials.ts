/**
 * Credentials for a registry as the docker CLI finds them: `$DOCKER_CONFIG/config.json` (or
 * `~/.docker/config.json`) — `credHelpers[host]`, then `credsStore`, then `auths[host].auth`
 * (base64 `user:password`) or `identitytoken`. A helper is run as `docker-credential-<name> get`
 * with the server on stdin; its reply is parsed and never logged.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { RegistryAuthenticationError } from './registry-errors.js';

/** Username and password, or an identity (refresh) token. Prints as `[redacted]`. */
export class RegistryCredentials {
  /** @param username - `<token>` when `secret` is an identity token. */
  constructor(
    readonly username: string,
    /** The password or identity token. Never print it. */
    readonly secret: string,
  ) {}
  /** True when `secret` is an OAuth identity (refresh) token rather than a password. */
  get isIdentityToken(): boolean {
    return this.username === '<token>' || this.username === '';
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'RegistryCredentials [redacted]';
  }
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Where the docker CLI keeps config.json. */
export function dockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
}

/** The keys docker may have stored a registry under (Docker Hub has its historic v1 URL). */
function serverKeys(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'https://index.docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

function hostOfKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

const HELPER_TIMEOUT_MS = 30_000;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Run `docker-credential-<helper> get`; undefined when the helper has no credentials for the server. */
export function runCredentialHelper(helper: string, server: string, env: Readonly<Record<string, string | undefined>>, timeoutMs = HELPER_TIMEOUT_MS): Promise<RegistryCredentials | undefined> {
  const binary = `docker-credential-${helper}`;
  if (!HELPER_NAME.test(helper)) return Promise.reject(new RegistryAuthenticationError(`credential helper name "${helper}" is not valid`));
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1 << 20) out.push(c);
    });
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdin.on('error', () => undefined);
    child.stdin.end(server);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new RegistryAuthenticationError(err.code === 'ENOENT' ? `credential helper ${binary} was not found on PATH` : `credential helper ${binary} could not be run`, { cause: err, hint: 'install the helper, or remove it from credsStore/credHelpers in the docker config' }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8').trim();
      // docker-credential-helpers answer "credentials not found in native keychain" on stdout and exit 1.
      if (code !== 0) {
        if (/credentials not found/i.test(text)) return resolve(undefined);
        return reject(new RegistryAuthenticationError(`credential helper ${binary} failed for ${server} (${signal ?? `exit ${code}`})`, { hint: 'run it by hand: echo SERVER | docker-credential-NAME get' }));
      }
      try {
        const reply = JSON.parse(text) as { Username?: unknown; Secret?: unknown };
        if (typeof reply.Secret !== 'string' || reply.Secret === '') return resolve(undefined);
        resolve(new RegistryCredentials(typeof reply.Username === 'string' ? reply.Username : '', reply.Secret));
      } catch {
        // The reply is not echoed: it would hold the secret.
        reject(new RegistryAuthenticationError(`credential helper ${binary} printed something that is not JSON`));
      }
    });
  });
}

function fromAuthEntry(entry: NonNullable<DockerConfigFile['auths']>[string]): RegistryCredentials | undefined {
  if (entry.identitytoken) return new RegistryCredentials('<token>', entry.identitytoken);
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return new RegistryCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
    throw new RegistryAuthenticationError('an "auth" entry in the docker config is not base64 of user:password');
  }
  if (entry.username && entry.password) return new RegistryCredentials(entry.username, entry.password);
  return undefined;
}

/**
 * The credentials docker would use for `registry` (as written in the image reference), or
 * undefined for anonymous access. A missing config file means anonymous; a broken one is an error.
 */
export async function findRegistryCredentials(registry: string, env: Readonly<Record<string, string | undefined>>, authFile?: string): Promise<RegistryCredentials | undefined> {
  // skopeo's order: --authfile alone when given; else REGISTRY_AUTH_FILE (podman login), then docker's config.
  const files = authFile !== undefined ? [authFile] : [...(env['REGISTRY_AUTH_FILE'] ? [env['REGISTRY_AUTH_FILE']] : []), join(dockerConfigDir(env), 'config.json')];
  for (const file of files) {
    const found = await credentialsFromFile(file, registry, env, authFile !== undefined);
    if (found) return found;
  }
  return undefined;
}

async function credentialsFromFile(file: string, registry: string, env: Readonly<Record<string, string | undefined>>, required: boolean): Promise<RegistryCredentials | undefined> {
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as DockerConfigFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    throw new RegistryAuthenticationError(`the auth file ${file} cannot be read`, { cause: err, hint: 'fix the JSON, or point --authfile / DOCKER_CONFIG elsewhere' });
  }
  const keys = serverKeys(registry);
  const helpers = config.credHelpers ?? {};
  const helperKey = Object.keys(helpers).find((k) => keys.includes(k) || hostOfKey(k) === registry);
  if (helperKey && helpers[helperKey]) return runCredentialHelper(helpers[helperKey], keys[0]!, env);
  if (config.credsStore) {
    const found = await runCredentialHelper(config.credsStore, keys[0]!, env);
    if (found) return found;
  }
  const auths = config.auths ?? {};
  const authKey = keys.find((k) => auths[k] !== undefined) ?? Object.keys(auths).find((k) => hostOfKey(k) === registry);
  return authKey ? fromAuthEntry(auths[authKey]!) : undefined;
}
