import { UsageError } from '@buildsecrets/base';
import type { TransportName } from './image-source.js';

/** A parsed `transport:reference`. */
export interface ImageReference {
  /** The transport, or `undefined` for a bare word (a daemon image or an existing archive file). */
  readonly transport: TransportName | undefined;
  /** What follows the transport prefix (for `docker://`, what follows the `//`). */
  readonly reference: string;
}

/** Prefixes as skopeo / containers-image spell them; `docker` needs its `//`. */
const PREFIXES: readonly [string, TransportName][] = [
  ['docker://', 'docker'],
  ['docker-daemon:', 'docker-daemon'],
  ['docker-archive:', 'docker-archive'],
  ['oci-archive:', 'oci-archive'],
  ['oci:', 'oci'],
  ['containers-storage:', 'containers-storage'],
];

/** Every transport name `audit` understands, for messages. */
export const TRANSPORT_NAMES: readonly string[] = PREFIXES.map(([prefix]) => prefix);

/**
 * Split `transport:reference`. Anything without one of the known prefixes is a bare word —
 * including `host:5000/app:tag`, which has colons but no transport. An empty reference is refused.
 *
 * @example
 * ```ts
 * parseImageReference('oci:./layout:v1');  // { transport: 'oci', reference: './layout:v1' }
 * parseImageReference('app:latest');       // { transport: undefined, reference: 'app:latest' }
 * ```
 */
export function parseImageReference(text: string): ImageReference {
  for (const [prefix, transport] of PREFIXES) {
    if (!text.startsWith(prefix)) continue;
    const reference = text.slice(prefix.length);
    if (reference.trim() === '') throw new UsageError(`"${text}" names no image after the ${prefix} transport`, { hint: `for example ${prefix}${transport === 'docker' ? 'registry.example/app:1.0' : transport.includes('archive') ? './image.tar' : transport === 'oci' ? './layout:1.0' : 'app:latest'}` });
    return { transport, reference };
  }
  if (/^docker:(?!\/\/)/.test(text)) throw new UsageError(`"${text}": the registry transport is written docker://HOST/REPO:TAG`);
  return { transport: undefined, reference: text };
}
