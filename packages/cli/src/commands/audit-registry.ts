import { UsageError, type RegistryClientOptions } from '@buildsecrets/core';
import type { OptionSpecs, ParsedArgs } from '../args.js';

/** `docker://` references: what `audit` reads over the Registry HTTP API v2 (no daemon involved). */
export const REGISTRY_PREFIX = 'docker://';

/** The registry flags of `audit`, named as skopeo names them. */
export const registryAuditOptions: OptionSpecs = {
  'tls-verify': { type: 'string', value: 'true|false', description: 'docker://: verify the registry\'s TLS certificate (default true; false also allows plain HTTP)' },
  'cert-dir': { type: 'string', value: 'DIR', description: 'docker://: *.crt CA files (and a *.cert/*.key client pair) for the registry, as skopeo\'s --cert-dir' },
  'ca-file': { type: 'string', value: 'FILE', description: 'docker://: a PEM file of extra CA certificates' },
  authfile: { type: 'string', value: 'FILE', description: 'docker://: credentials file (docker config.json / containers auth.json) instead of REGISTRY_AUTH_FILE and DOCKER_CONFIG' },
};

/** The registry client options from `audit`'s flags; flags that only make sense for docker:// are refused elsewhere. */
export function registryOptionsFrom(args: ParsedArgs, isRegistry: boolean, cwdResolve: (p: string) => string): RegistryClientOptions {
  const given = Object.keys(registryAuditOptions).filter((name) => args.values[name] !== undefined);
  if (!isRegistry) {
    if (given.length > 0) throw new UsageError(`--${given[0]} applies only to docker:// references`);
    return {};
  }
  const verify = args.values['tls-verify'];
  if (verify !== undefined && verify !== 'true' && verify !== 'false') throw new UsageError(`--tls-verify takes true or false, not "${String(verify)}"`);
  const path = (name: string): string | undefined => (typeof args.values[name] === 'string' ? cwdResolve(args.values[name] as string) : undefined);
  const certDir = path('cert-dir');
  const caFile = path('ca-file');
  const authFile = path('authfile');
  return {
    ...(verify !== undefined ? { verify: verify === 'true' } : {}),
    ...(certDir !== undefined ? { certDir } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(authFile !== undefined ? { authFile } : {}),
  };
}
