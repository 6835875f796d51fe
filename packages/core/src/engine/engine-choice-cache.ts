import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ENGINE_NAMES, type EngineName } from './engine-adapter.js';
import type { EngineBinaries } from './engine-registry.js';

/**
 * The engine auto-detection chose last time, per setup (binaries, PATH, DOCKER_HOST/CONTEXT/CONFIG):
 * only a hint that lets a build start while the probe confirms it (see `run-build`). It holds
 * engine names and nothing else; a missing, unreadable or foreign file is simply no hint.
 */
type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_CACHE_HOME/buildsecrets/engine-choice.json` (default `~/.cache/…`); `BUILDSECRETS_ENGINE_CACHE=off` disables it. */
export function engineChoiceCacheFile(env: Env): string | undefined {
  if (env['BUILDSECRETS_ENGINE_CACHE'] === 'off') return undefined;
  const base = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  return join(base, 'buildsecrets', 'engine-choice.json');
}

/** What the choice depends on, hashed: the same setup gets the same key. */
export function engineChoiceKey(binaries: EngineBinaries, env: Env): string {
  const inputs = [binaries.docker, binaries.podman, binaries.buildah, env['PATH'], env['DOCKER_HOST'], env['DOCKER_CONTEXT'], env['DOCKER_CONFIG'], env['HOME']];
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 32);
}

async function readAll(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The engine chosen last time for `key`, if any. Never throws. */
export async function cachedEngineChoice(key: string, env: Env): Promise<EngineName | undefined> {
  const file = engineChoiceCacheFile(env);
  if (!file) return undefined;
  const name = (await readAll(file))[key];
  return typeof name === 'string' && (ENGINE_NAMES as readonly string[]).includes(name) ? (name as EngineName) : undefined;
}

/** Remember the engine auto-detection chose for `key` (written atomically, mode 0600). Never throws. */
export async function rememberEngineChoice(key: string, name: EngineName, env: Env): Promise<void> {
  const file = engineChoiceCacheFile(env);
  if (!file) return;
  try {
    const all = await readAll(file);
    if (all[key] === name) return;
    const kept = Object.fromEntries(Object.entries(all).filter(([, v]) => typeof v === 'string').slice(-15));
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ ...kept, [key]: name }), { mode: 0o600 });
    await rename(temp, file);
  } catch {
    // A hint only: the next build probes before it starts, as without a cache.
  }
}
