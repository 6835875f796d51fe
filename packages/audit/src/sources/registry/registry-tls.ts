/**
 * TLS settings for a registry, read the way skopeo/containers-image and docker do: the system's CA
 * bundle plus Node's own, `*.crt` files of a cert dir as extra CAs, and a `*.cert` + `*.key` pair
 * as the client certificate. Without `--cert-dir`, `/etc/containers/certs.d/HOST:PORT` and
 * `/etc/docker/certs.d/HOST:PORT` are used when they exist. Verification is off only when asked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { UsageError } from '@buildsecrets/base';

/** What the HTTPS agent needs. */
export interface RegistryTlsOptions {
  /** CA certificates (PEM), or undefined for Node's defaults. */
  readonly ca: string[] | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  /** False only with an explicit `--tls-verify=false`. */
  readonly rejectUnauthorized: boolean;
}

/** The user's TLS choices. */
export interface RegistryTlsSettings {
  /** Directory with `*.crt` CA files and optionally a `*.cert`/`*.key` client pair (skopeo's `--cert-dir`). */
  readonly certDir?: string;
  /** One PEM file of extra CAs. */
  readonly caFile?: string;
  /** Verify the server certificate (default true). */
  readonly verify?: boolean;
}

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] | undefined {
  try {
    return readdirSync(dir).sort();
  } catch {
    return undefined;
  }
}

/** Build the agent's TLS options for `registry` (`HOST[:PORT]`). Throws {@link UsageError} for a missing cert dir or CA file. */
export function registryTlsOptions(registry: string, settings: RegistryTlsSettings, env: Readonly<Record<string, string | undefined>> = process.env): RegistryTlsOptions {
  const extra: string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  const dirs = settings.certDir !== undefined ? [settings.certDir] : [join('/etc/containers/certs.d', registry), join('/etc/docker/certs.d', registry)];
  for (const dir of dirs) {
    const files = listDir(dir);
    if (files === undefined) {
      if (settings.certDir !== undefined) throw new UsageError(`--cert-dir ${dir} cannot be read`);
      continue;
    }
    for (const file of files) {
      if (file.endsWith('.crt')) extra.push(readFileSync(join(dir, file), 'utf8'));
      if (file.endsWith('.cert')) {
        const keyFile = `${file.slice(0, -'.cert'.length)}.key`;
        if (!files.includes(keyFile)) throw new UsageError(`client certificate ${join(dir, file)} has no matching ${keyFile}`);
        cert = readFileSync(join(dir, file), 'utf8');
        key = readFileSync(join(dir, keyFile), 'utf8');
      }
    }
  }
  if (settings.caFile !== undefined) {
    const pem = readIfExists(settings.caFile);
    if (pem === undefined) throw new UsageError(`--ca-file ${settings.caFile} cannot be read`);
    extra.push(pem);
  }
  const envBundle = env['SSL_CERT_FILE'] ? readIfExists(env['SSL_CERT_FILE']) : undefined;
  const system = envBundle ?? SYSTEM_BUNDLES.map(readIfExists).find((b) => b !== undefined);
  // Passing `ca` replaces Node's list, so the defaults are kept explicitly next to the additions.
  const ca = extra.length > 0 || system !== undefined ? [...rootCertificates, ...(system ? [system] : []), ...extra] : undefined;
  return { ca, cert, key, rejectUnauthorized: settings.verify !== false };
}
