import { z } from '@buildsecrets/core';

/** An auth mount path such as `approle` or `k8s/prod-cluster` (slashes at the ends are ignored). */
const mountPath = (fallback: string) =>
  z.string().regex(/^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/?$/, 'must be a mount path such as "approle" or "k8s/prod"').default(fallback).transform((m) => m.replace(/^\/+|\/+$/g, ''));

/** The service-account token Kubernetes projects into every pod. */
export const DEFAULT_KUBERNETES_JWT_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const tokenAuth = z.object({
  method: z.literal('token'),
  token: z.string().min(1).optional().describe('The token (default: VAULT_TOKEN, then ~/.vault-token).'),
}).strict();

const appRoleAuth = z.object({
  method: z.literal('approle'),
  roleId: z.string().min(1),
  secretId: z.string().min(1).optional().describe('Omit for roles with bind_secret_id=false.'),
  mount: mountPath('approle'),
}).strict();

const kubernetesAuth = z.object({
  method: z.literal('kubernetes'),
  role: z.string().min(1),
  jwtFile: z.string().min(1).default(DEFAULT_KUBERNETES_JWT_FILE),
  mount: mountPath('kubernetes'),
}).strict();

const jwtAuth = z.object({
  method: z.literal('jwt'),
  role: z.string().min(1).optional().describe("Omit to use the mount's default_role."),
  jwtFile: z.string().min(1).optional(),
  jwtEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  mount: mountPath('jwt'),
}).strict().refine((a) => (a.jwtFile === undefined) !== (a.jwtEnv === undefined), { message: 'set exactly one of jwtFile or jwtEnv', path: ['jwtFile'] });

const userpassAuth = z.object({
  method: z.literal('userpass'),
  username: z.string().min(1),
  password: z.string().min(1),
  mount: mountPath('userpass'),
}).strict();

/** How the provider logs in: a discriminated union on `method`. */
export const vaultAuthSchema = z.discriminatedUnion('method', [tokenAuth, appRoleAuth, kubernetesAuth, jwtAuth, userpassAuth]);

/**
 * Options of the `vault` provider (`providers.<name>.options`).
 *
 * @example
 * ```yaml
 * options:
 *   address: https://vault.example:8200
 *   namespace: team-ci
 *   caCert: ./certs/vault-ca.pem
 *   auth: { method: approle, roleId: "${VAULT_ROLE_ID}", secretId: "${VAULT_SECRET_ID}" }
 * ```
 */
export const vaultOptionsSchema = z.object({
  address: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional().describe('Vault address (default: VAULT_ADDR).'),
  namespace: z.string().min(1).optional().describe('Vault Enterprise namespace, sent as X-Vault-Namespace (default: VAULT_NAMESPACE).'),
  caCert: z.string().min(1).optional().describe('PEM file of the CA that signed the Vault certificate (default: VAULT_CACERT).'),
  clientCert: z.string().min(1).optional().describe('PEM client certificate for mutual TLS.'),
  clientKey: z.string().min(1).optional().describe('PEM private key of clientCert.'),
  tlsSkipVerify: z.boolean().default(false).describe('Do not verify the server certificate. Dangerous; logs a warning.'),
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000).describe('Timeout of each HTTP request in ms (default 10000).'),
  auth: vaultAuthSchema.default({ method: 'token' }),
}).strict().refine((o) => (o.clientCert === undefined) === (o.clientKey === undefined), { message: 'clientCert and clientKey go together', path: ['clientCert'] });

/** The validated options (defaults applied). */
export type VaultProviderOptions = z.output<typeof vaultOptionsSchema>;
/** The options as written in a config. */
export type VaultProviderOptionsInput = z.input<typeof vaultOptionsSchema>;
/** One validated auth method. */
export type VaultAuthOptions = z.output<typeof vaultAuthSchema>;
