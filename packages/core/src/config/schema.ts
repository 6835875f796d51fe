import { z } from 'zod';
import { CACHE_MODES, ENGINE_CHOICES, ID_PATTERN, INJECTION_KINDS, isFetchedSecret as isFetchedSecretConfig, VAR_NAME_PATTERN } from './config-constants.js';
import { isLoopbackHost } from './loopback.js';

export { CACHE_MODES, ENGINE_CHOICES, INJECTION_KINDS, type CacheMode, type InjectionKind } from './config-constants.js';

/** Secret and provider ids: what a Dockerfile can name in `--mount=type=secret,id=…`. */
const ID = ID_PATTERN;
/** A build-arg / environment variable name. */
const VAR_NAME = VAR_NAME_PATTERN;

/** One named provider instance: `providers.<name>`. */
export const providerConfigSchema = z
  .object({
    use: z.string().min(1).describe('A built-in short name (env, keywhiz, vault, aws, gcp, exec, sneaker, ssm), an npm package name, or a relative path to a plugin module.'),
    options: z.record(z.string(), z.unknown()).optional().describe("The provider's own options, validated by its schema."),
  })
  .strict();

/** A secret is fetched (`from` + `ref`) or rendered (`template` / `templateFile`), never both. */
function requireSourceOrTemplate(secret: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const rendered = [secret['template'], secret['templateFile']].filter((v) => v !== undefined).length;
  if (rendered > 1) ctx.addIssue({ code: 'custom', path: ['templateFile'], message: 'give either `template` or `templateFile`, not both' });
  if (rendered > 0) {
    for (const field of ['from', 'ref', 'key', 'version']) {
      if (secret[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'a rendered secret (template) is not fetched: remove this field, or the template' });
    }
    return;
  }
  if (secret['from'] === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'required: the provider instance to fetch from (or give `template` / `templateFile` to render the secret)' });
  if (secret['ref'] === undefined) ctx.addIssue({ code: 'custom', path: ['ref'], message: "required: the provider's address of the secret" });
}

/** One secret: `secrets.<id>`. */
export const secretConfigSchema = z
  .object({
    from: z.string().regex(ID, 'must be a provider name defined under `providers`').optional().describe('The provider instance (a key of `providers`). Required unless the secret is rendered from a template.'),
    ref: z.string().min(1, 'must not be empty').optional().describe("The provider's own address of the secret: variable name, file name, Vault path, secret name or ARN. Required with `from`."),
    template: z.string().optional().describe('Render this secret instead of fetching it: text with {{ secret "<id>" }} placeholders (optional | base64 / | json filters) naming other secrets.'),
    templateFile: z.string().min(1).optional().describe('Like `template`, read from this file (relative to the config file).'),
    key: z.string().min(1).optional().describe('A field to pick out of a JSON / key-value secret. Keys containing dots work.'),
    version: z.string().min(1).optional().describe('A version pin in the provider syntax.'),
    inject: z.enum(INJECTION_KINDS).default('secret-mount').describe('How the secret reaches the build (default secret-mount).'),
    allowEmpty: z.boolean().optional().describe('Accept an empty value instead of failing.'),
    source: z.enum(['file', 'env']).optional().describe('secret-mount only: hand BuildKit a tmpfs file (default) or an environment variable of the engine process.'),
    env: z.string().regex(VAR_NAME).optional().describe('secret-mount with source env: the variable name (default BUILDSECRET_<ID>).'),
    sshId: z.string().regex(ID).optional().describe('ssh-agent only: the id the Dockerfile uses in --mount=type=ssh,id=… (default "default").'),
    passphraseFrom: z.string().regex(ID).optional().describe('ssh-agent only: the id of another secret holding the private key passphrase.'),
    maxReads: z.number().int().min(1).max(100).optional().describe('served-file only: how many times the secret may be fetched (default 1).'),
    buildArg: z.string().regex(VAR_NAME).optional().describe('build-arg only: the ARG name (default: the secret id).'),
    allowInsecure: z.boolean().optional().describe('build-arg only: accept that the value lands in image history.'),
    cache: z.enum(CACHE_MODES).optional().describe('secret-mount / ssh-agent: re-run the steps using this secret when it rotates: off (default), version (provider version id) or keyed (HMAC under build.cacheKeyFrom). Passed as build-arg BUILDSECRETS_REV_<ID>.'),
  })
  .strict()
  .superRefine(requireSourceOrTemplate);

/** Settings for resolving secrets. */
export const resolveConfigSchema = z
  .object({
    concurrency: z.number().int().min(1).max(256).default(16).describe('Requests in flight at once (default 16).'),
    timeoutMs: z.number().int().min(1).max(600_000).default(15_000).describe('Per-request timeout in ms (default 15000).'),
    deadlineMs: z.number().int().min(1).max(3_600_000).default(60_000).describe('Deadline for all resolution in ms (default 60000).'),
    retries: z.number().int().min(0).max(10).default(2).describe('Retries of retryable failures (default 2).'),
  })
  .strict();

/** Settings for the served-file server. */
export const servedFileConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on: 127.0.0.1 (default) or the docker bridge gateway.'),
    port: z.number().int().min(0).max(65535).default(0).describe('Port (default: a free one).'),
    allowRemote: z
      .boolean()
      .default(false)
      .describe('Required (true) for a host other than loopback, such as a remote daemon\'s builder: the server is then reachable from other machines, and a warning names the interface.'),
  })
  .strict()
  .superRefine((served, ctx) => {
    if (!served.allowRemote && !isLoopbackHost(served.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: 'is not a loopback address, so other machines could reach the served-file server; use 127.0.0.1, or set `allowRemote: true` if the build really needs this address (the docker bridge gateway, say)',
      });
    }
  });

/** What a leak found by the audit does: `fail` the build, `warn`, or `off` (no audit). `true`/`false` are `fail`/`off`. */
export const auditModeSchema = z.union([z.literal('fail'), z.literal('warn'), z.literal('off'), z.boolean()]);

/** What a value found only in the base image's layers (not written by this build) does. */
export const baseLayersSchema = z.union([z.literal('fail'), z.literal('warn'), z.literal('ignore')]);

/** `build.audit`: the short form (`fail`, `warn`, `off`, `true`, `false`) or an object with the mode and the base-layer policy. */
export const auditSettingSchema = z.union([
  z.literal('fail'),
  z.literal('warn'),
  z.literal('off'),
  z.boolean(),
  z
    .object({
      mode: auditModeSchema.default('fail').describe('"fail" (default), "warn" or "off"; true/false are fail/off.'),
      baseLayers: baseLayersSchema.default('warn').describe('A value found only in base-image layers: "warn" (default, reported as pre-existing), "fail", or "ignore".'),
    })
    .strict(),
]);

/** Settings for the build. */
export const buildConfigSchema = z
  .object({
    docker: z.string().min(1).default('docker').describe('The docker binary to call (default docker; also --docker, BUILDSECRETS_DOCKER).'),
    dockerfile: z.string().min(1).optional().describe('Dockerfile path relative to the config file (default <context>/Dockerfile).'),
    audit: auditSettingSchema.default('fail').describe('The post-build audit: "fail" (default; true), "warn", "off" (false), or { mode, baseLayers }.'),
    minSecretLength: z.number().int().min(1).max(64).optional().describe('Resolved values shorter than this many bytes fail the build. Unset: values under 8 bytes only warn (they cannot be audited or masked without noise).'),
    servedFile: servedFileConfigSchema.optional(),
    contextCheck: z.union([z.literal('warn'), z.literal('strict'), z.literal('off')]).default('warn').describe('Before the build, scan the context as the engine sends it: a resolved value in a file always stops the build; credential files (.env, .netrc, private keys, …) warn ("warn", default), stop it ("strict"), or nothing is checked ("off").'),
    cache: z.enum(CACHE_MODES).optional().describe('Default `cache` for secret-mount and ssh-agent secrets: off (default), version or keyed.'),
    cacheKeyFrom: z.string().regex(ID).optional().describe('The id of a secret (inject: none) whose value keys the HMAC of `cache: keyed`; at least 16 bytes.'),
    engine: z.enum(ENGINE_CHOICES).default('auto').describe('The engine: auto (default: docker buildx, docker BuildKit, podman, buildah, first that answers), or one by name (also --engine, BUILDSECRETS_ENGINE).'),
    push: z.boolean().optional().describe('The push gate (also --push): build locally, audit, and push every -t tag with the engine\'s own push only when the audit is clean.'),
  })
  .strict();

/** The whole `buildsecrets.yaml`. */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe('JSON Schema URL for editors; ignored.'),
    version: z.literal(1).describe('Config format version; only 1 exists.'),
    providers: z.record(z.string().regex(ID, 'provider names use letters, digits, _ . -'), providerConfigSchema).describe('Named provider instances.'),
    secrets: z.record(z.string().regex(ID, 'secret ids use letters, digits, _ . - (as BuildKit ids)'), secretConfigSchema).describe('Secrets by the id the Dockerfile mounts.'),
    resolve: resolveConfigSchema.optional(),
    build: buildConfigSchema.optional(),
  })
  .strict();

/** A secret entry after defaults are applied. */
export type SecretConfig = z.output<typeof secretConfigSchema>;
/** A secret fetched from a provider (`from` and `ref` set), as opposed to one rendered from a template. */
export type FetchedSecretConfig = SecretConfig & { readonly from: string; readonly ref: string };
/** Whether a secret is fetched from a provider rather than rendered from a template. */
export function isFetchedSecret(config: SecretConfig): config is FetchedSecretConfig {
  return isFetchedSecretConfig(config);
}
/** A provider entry. */
export type ProviderConfig = z.output<typeof providerConfigSchema>;
/** Resolution settings after defaults. */
export type ResolveConfig = z.output<typeof resolveConfigSchema>;
/** Build settings after defaults. */
export type BuildConfig = z.output<typeof buildConfigSchema>;
/** The whole config after validation and defaults (provider options not yet validated by the provider). */
export type BuildSecretsConfig = z.output<typeof configSchema>;
/** The config as a user writes it (defaults optional). */
export type BuildSecretsConfigInput = z.input<typeof configSchema>;
