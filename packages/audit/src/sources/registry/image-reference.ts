/**
 * Image references as docker and containers/image read them: `[HOST[:PORT]/]REPO[:TAG][@DIGEST]`.
 * The first component is a registry host only when it has a `.` or `:` or is `localhost`;
 * otherwise the image lives on Docker Hub and one-word repositories get the `library/` prefix.
 */
import { UsageError } from '@buildsecrets/base';

/** A parsed `docker://` reference. */
export interface ImageReference {
  /** The registry as the user names it (`docker.io`, `127.0.0.1:5000`): the key in docker's config.json. */
  readonly registry: string;
  /** Where the API lives (`registry-1.docker.io` for Docker Hub). */
  readonly endpoint: string;
  /** Repository path (`library/busybox`). */
  readonly repository: string;
  /** The tag (`latest` when neither a tag nor a digest is given). */
  readonly tag: string | undefined;
  /** `sha256:<hex>` when pinned by digest; it wins over the tag. */
  readonly digest: string | undefined;
}

const DOCKER_HUB = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;

function bad(input: string, why: string): UsageError {
  return new UsageError(`"${input}" is not a valid image reference: ${why}`, { hint: 'use docker://[HOST[:PORT]/]REPOSITORY[:TAG|@sha256:DIGEST]' });
}

/** The reference's canonical text: `HOST/REPO:TAG` or `HOST/REPO@DIGEST`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`;
}

/** Parse what follows `docker://` (a leading `//` is tolerated). Throws {@link UsageError}. */
export function parseImageReference(input: string): ImageReference {
  const text = input.replace(/^docker:/, '').replace(/^\/\//, '');
  if (text === '' || text.length > 1024) throw bad(input, 'empty or too long');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(input, 'the digest must be sha256:<64 hex> or sha512:<128 hex>');
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(input, `"${tag}" is not a valid tag`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    registry = first;
    parts.shift();
    if (!HOST.test(registry)) throw bad(input, `"${registry}" is not a valid registry host`);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) throw bad(input, 'repository names are lowercase letters, digits and separators (. _ __ -)');
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  return {
    registry,
    endpoint: registry === DOCKER_HUB ? 'registry-1.docker.io' : registry,
    repository: parts.join('/'),
    tag: digest ? tag : (tag ?? 'latest'),
    digest,
  };
}
