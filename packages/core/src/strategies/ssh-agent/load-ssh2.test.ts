import { describe, expect, it } from 'vitest';
import { StrategyRefusedError } from '../../errors/index.js';
import { loadSsh2 } from './load-ssh2.js';

describe('loading ssh2 (an optional peer dependency)', () => {
  it('loads it when installed', async () => {
    const api = await loadSsh2();
    expect(typeof api.parseKey).toBe('function');
    expect(typeof api.AgentProtocol).toBe('function');
  });

  it('says to install ssh2 when it is missing, without building its native part', async () => {
    const missing = Object.assign(new Error("Cannot find package 'ssh2'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadSsh2(() => Promise.reject(missing)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StrategyRefusedError);
    expect((error as StrategyRefusedError).message).toContain('needs the ssh2 package');
    expect((error as StrategyRefusedError).hint).toContain('npm install --save-dev ssh2');
  });

  it('passes other failures through', async () => {
    const broken = new Error('boom');
    await expect(loadSsh2(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
