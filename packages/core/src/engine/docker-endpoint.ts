import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stripUserinfo } from './docker-binary.js';

/** Where the docker CLI will send a build, found without starting the CLI. */
export interface DockerEndpoint {
  /** The daemon address, user info removed (`unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`). */
  readonly host: string;
  /** Where the address came from: `DOCKER_HOST`, `context <name>`, or `default`. */
  readonly source: string;
  /**
   * True when the daemon runs on another machine (tcp or ssh to a non-loopback host): a build
   * there cannot reach a server buildsecrets starts on this machine's loopback.
   */
  readonly remote: boolean;
}

const DEFAULT_HOST = 'unix:///var/run/docker.sock';

function isLoopbackName(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** Whether an address (as DOCKER_HOST spells it) points at another machine. */
export function isRemoteDockerHost(host: string): boolean {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)/i.exec(host.trim());
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  if (scheme === 'unix' || scheme === 'npipe' || scheme === 'fd') return false;
  const authority = match[2]!.replace(/^[^@]*@/, '');
  const hostname = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0] ?? '';
  return !isLoopbackName(hostname);
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The host a named docker context points at (the CLI's own store: contexts/meta/<sha256(name)>/meta.json). */
async function contextHost(configDir: string, name: string): Promise<string | undefined> {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = (await readJson(join(configDir, 'contexts', 'meta', id, 'meta.json'))) as { Endpoints?: { docker?: { Host?: unknown } } } | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  return typeof host === 'string' && host !== '' ? host : undefined;
}

/**
 * Find the daemon the docker CLI will talk to, the way the CLI does: `DOCKER_HOST`, then
 * `DOCKER_CONTEXT`, then `currentContext` in `$DOCKER_CONFIG/config.json`, then the default
 * socket. Reads two small files at most; never starts docker (this runs before every build).
 */
export async function dockerEndpoint(env: Readonly<Record<string, string | undefined>>): Promise<DockerEndpoint> {
  const fromEnv = env['DOCKER_HOST'];
  if (fromEnv) return { host: stripUserinfo(fromEnv), source: 'DOCKER_HOST', remote: isRemoteDockerHost(fromEnv) };
  const configDir = env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
  let name = env['DOCKER_CONTEXT'];
  if (!name) {
    const config = (await readJson(join(configDir, 'config.json'))) as { currentContext?: unknown } | undefined;
    name = typeof config?.currentContext === 'string' ? config.currentContext : undefined;
  }
  if (name && name !== 'default') {
    const host = await contextHost(configDir, name);
    if (host) return { host: stripUserinfo(host), source: `context ${name}`, remote: isRemoteDockerHost(host) };
  }
  return { host: DEFAULT_HOST, source: 'default', remote: false };
}
