import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/index.js';
import { trackedResources, trackPath } from './exit-cleanup.js';
import { handleSignals, type SignalScope } from './signals.js';
import { tempDir } from '../../../../test/support/temp-dirs.js';

let scope: SignalScope | undefined;
afterEach(() => {
  scope?.dispose();
  scope = undefined;
});

function install(): { scope: SignalScope; exits: number[]; notes: string[] } {
  const exits: number[] = [];
  const notes: string[] = [];
  scope = handleSignals({ exit: (code) => exits.push(code), notify: (m) => notes.push(m) });
  return { scope, exits, notes };
}

describe('handleSignals', () => {
  it('aborts the run on SIGINT with an AbortedError and reports exit code 130', () => {
    const { scope: s, exits } = install();
    process.emit('SIGINT');
    expect(s.signal.aborted).toBe(true);
    expect(s.signal.reason).toBeInstanceOf(AbortedError);
    expect(s.received).toBe('SIGINT');
    expect(s.exitCode).toBe(130);
    expect(exits).toEqual([]);
  });

  it('reports exit code 143 after SIGTERM', () => {
    const { scope: s } = install();
    process.emit('SIGTERM');
    expect(s.exitCode).toBe(143);
  });

  it('has no exit code and an unaborted signal when nothing arrives', () => {
    const { scope: s } = install();
    expect(s.exitCode).toBeUndefined();
    expect(s.signal.aborted).toBe(false);
  });

  it('forces the exit on a second signal, removing recorded paths synchronously first', async () => {
    const dir = await tempDir('bs-signals-');
    const file = join(dir, 'secret');
    await writeFile(file, 'x');
    const forget = trackPath(dir);
    const { exits, notes } = install();
    process.emit('SIGINT');
    expect(existsSync(file)).toBe(true);
    process.emit('SIGINT');
    expect(exits).toEqual([130]);
    expect(existsSync(dir)).toBe(false);
    expect(trackedResources().paths).toEqual([]);
    expect(notes.join('\n')).toContain('exiting now');
    forget();
  });

  it('removes its handlers on dispose', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM'), exit: process.listenerCount('exit') };
    const { scope: s } = install();
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    s.dispose();
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM'), exit: process.listenerCount('exit') }).toEqual(before);
  });
});
