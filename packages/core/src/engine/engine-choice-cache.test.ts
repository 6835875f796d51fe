import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedEngineChoice, engineChoiceCacheFile, engineChoiceKey, rememberEngineChoice } from './engine-choice-cache.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bs-engine-cache-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the engine-choice hint', () => {
  it('remembers the auto-detected engine per setup, in a 0600 file of engine names only', async () => {
    const env = { XDG_CACHE_HOME: dir, DOCKER_HOST: 'unix:///a.sock' };
    const key = engineChoiceKey({ docker: 'docker' }, env);
    expect(await cachedEngineChoice(key, env)).toBeUndefined();
    await rememberEngineChoice(key, 'podman', env);
    expect(await cachedEngineChoice(key, env)).toBe('podman');
    const file = engineChoiceCacheFile(env)!;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Object.values(JSON.parse(await readFile(file, 'utf8')) as object)).toEqual(['podman']);
    // Another daemon is another setup.
    expect(await cachedEngineChoice(engineChoiceKey({ docker: 'docker' }, { ...env, DOCKER_HOST: 'tcp://10.0.0.2:2375' }), env)).toBeUndefined();
  });

  it('is no hint when the file is broken or names no engine, and is off with BUILDSECRETS_ENGINE_CACHE=off', async () => {
    const env = { XDG_CACHE_HOME: dir };
    const key = engineChoiceKey({ docker: 'docker' }, env);
    await mkdir(join(dir, 'buildsecrets'));
    await writeFile(join(dir, 'buildsecrets', 'engine-choice.json'), '{not json');
    expect(await cachedEngineChoice(key, env)).toBeUndefined();
    await writeFile(join(dir, 'buildsecrets', 'engine-choice.json'), JSON.stringify({ [key]: 'rm -rf /' }));
    expect(await cachedEngineChoice(key, env)).toBeUndefined();
    const off = { ...env, BUILDSECRETS_ENGINE_CACHE: 'off' };
    await rememberEngineChoice(key, 'buildah', off);
    expect(await cachedEngineChoice(key, off)).toBeUndefined();
    expect(await cachedEngineChoice(key, env)).toBeUndefined();
  });
});
