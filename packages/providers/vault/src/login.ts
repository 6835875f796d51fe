import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { VaultFailure } from './failure.js';
import { commonFailure, isInvalidToken, WireError } from './http-failure.js';
import type { VaultAuthOptions } from './options.js';
import type { VaultHttp } from './vault-http.js';

/** What a login needs besides the HTTP client. */
export interface LoginEnvironment {
  readonly address: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baseDir: string;
  readonly signal: AbortSignal;
  /** Debug output; never receives a credential. */
  readonly debug: (message: string) => void;
  /** Register a credential read at login time (a JWT, a token) so no log line can show it. */
  readonly sensitive: (label: string, value: string) => void;
}

/** Which method and where, for messages: `approle at auth/ci-approle`. */
export function describeAuth(auth: VaultAuthOptions): string {
  return auth.method === 'token' ? 'token auth' : `${auth.method} login at auth/${auth.mount}`;
}

async function readCredentialFile(file: string, baseDir: string, what: string, auth: VaultAuthOptions): Promise<string> {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text) return text;
  } catch (error) {
    throw new VaultFailure('auth', `cannot read the ${what} for the ${describeAuth(auth)} from ${path}`, { cause: error, hint: 'check the file path in the provider options and that the process may read it' });
  }
  throw new VaultFailure('auth', `the ${what} file ${path} for the ${describeAuth(auth)} is empty`);
}

async function findToken(auth: Extract<VaultAuthOptions, { method: 'token' }>, env: LoginEnvironment): Promise<string> {
  if (auth.token) return auth.token;
  const fromEnv = env.env['VAULT_TOKEN'];
  if (fromEnv) return fromEnv;
  const home = env.env['HOME'] ?? homedir();
  try {
    const saved = (await readFile(join(home, '.vault-token'), 'utf8')).trim();
    if (saved) return saved;
  } catch {
    // No token helper file: fall through to the explicit error below.
  }
  throw new VaultFailure('auth', 'no Vault token: auth.token is not set, VAULT_TOKEN is empty and ~/.vault-token does not exist', {
    hint: 'set VAULT_TOKEN, run `vault login`, or configure another auth method (approle, kubernetes, jwt, userpass)',
  });
}

/** The login request for a method: path and body (the body holds credentials: it only goes to Vault). */
async function loginRequest(auth: Exclude<VaultAuthOptions, { method: 'token' }>, env: LoginEnvironment): Promise<{ path: string; body: Record<string, unknown> }> {
  const base = `auth/${auth.mount}/login`;
  switch (auth.method) {
    case 'approle':
      return { path: base, body: { role_id: auth.roleId, ...(auth.secretId ? { secret_id: auth.secretId } : {}) } };
    case 'kubernetes':
      return { path: base, body: { role: auth.role, jwt: await readCredentialFile(auth.jwtFile, env.baseDir, 'service account token', auth) } };
    case 'jwt': {
      let jwt: string | undefined;
      if (auth.jwtEnv !== undefined) {
        jwt = env.env[auth.jwtEnv];
        if (!jwt) throw new VaultFailure('auth', `environment variable ${auth.jwtEnv} holding the JWT for the ${describeAuth(auth)} is empty`, { hint: 'in CI, request an OIDC id token for Vault and expose it under this name' });
      } else jwt = await readCredentialFile(auth.jwtFile ?? '', env.baseDir, 'JWT', auth);
      return { path: base, body: { jwt, ...(auth.role ? { role: auth.role } : {}) } };
    }
    case 'userpass':
      return { path: `${base}/${auth.username}`, body: { password: auth.password } };
  }
}

function loginFailure(error: unknown, auth: VaultAuthOptions, address: string): VaultFailure {
  if (!(error instanceof WireError)) return error instanceof VaultFailure ? error : new VaultFailure('unavailable', `${describeAuth(auth)} failed unexpectedly`, { cause: error, retryable: false });
  const common = commonFailure(error.problem, address, `the ${describeAuth(auth)}`);
  if (common) return common;
  const status = error.problem.status;
  if (status === 404 || (status === 400 && error.problem.vaultErrors.some((e) => /no handler for route/i.test(e)))) {
    return new VaultFailure('auth', `no ${auth.method} auth method is mounted at auth/${auth.method === 'token' ? 'token' : auth.mount} (HTTP ${status})`, { cause: error, hint: 'set `auth.mount` to the path the method is enabled at (`vault auth list`)' });
  }
  if (auth.method === 'token') return new VaultFailure('auth', `Vault rejected the token (HTTP ${status}); it may be expired or revoked`, { cause: error, hint: 'get a fresh token (`vault login`) and set VAULT_TOKEN' });
  return new VaultFailure('auth', `Vault rejected the ${describeAuth(auth)} (HTTP ${status})`, { cause: error, hint: 'check the role and credentials configured for this auth method' });
}

/** Log in once and return the client token. Throws a {@link VaultFailure}; never puts a credential in it. */
export async function login(http: VaultHttp, auth: VaultAuthOptions, env: LoginEnvironment): Promise<string> {
  try {
    if (auth.method === 'token') {
      const token = await findToken(auth, env);
      env.sensitive('vault token', token);
      try {
        await http.get('auth/token/lookup-self', { token, signal: env.signal });
      } catch (error) {
        // A policy without lookup-self answers a plain 403; only "invalid token" means the token is bad.
        if (!(error instanceof WireError) || error.problem.status !== 403 || isInvalidToken(error.problem)) throw error;
        env.debug('token accepted but may not look itself up; continuing');
      }
      return token;
    }
    const request = await loginRequest(auth, env);
    const jwt = request.body['jwt'];
    if (typeof jwt === 'string') env.sensitive('vault login jwt', jwt);
    const answer = await http.post(request.path, { body: request.body, signal: env.signal });
    const token = (answer['auth'] as { client_token?: unknown } | null | undefined)?.client_token;
    if (typeof token !== 'string' || token.length === 0) throw new VaultFailure('auth', `the ${describeAuth(auth)} answered without a client token`);
    return token;
  } catch (error) {
    throw loginFailure(error, auth, env.address);
  }
}
