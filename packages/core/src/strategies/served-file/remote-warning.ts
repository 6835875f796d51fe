import { networkInterfaces } from 'node:os';
import { isLoopbackHost } from '../../config/loopback.js';

/** The interface(s) an address belongs to, as `ip a` would name them. */
export function interfaceOf(host: string): string {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (h === '0.0.0.0' || h === '::') return `every interface (${h})`;
  const names = Object.entries(networkInterfaces())
    .filter(([, addresses]) => (addresses ?? []).some((a) => a.address === h))
    .map(([name]) => name);
  return names.length > 0 ? `interface ${names.join(', ')} (${h})` : `${h} (no local interface has this address)`;
}

/**
 * The warning printed when the served-file server listens beyond loopback (only possible with
 * `build.servedFile.allowRemote: true`), or undefined on loopback.
 */
export function remoteListenWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return `served-file: listening on ${interfaceOf(host)} (allowRemote): other machines that reach it can try the tokens; prefer 127.0.0.1 or the docker bridge gateway behind a firewall`;
}
