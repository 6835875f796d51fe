import { describe, expect, it } from 'vitest';
import { stageSelectionFromArgs } from './stage-selection.js';

describe('stageSelectionFromArgs: --target and --build-arg as the docker CLI reads them', () => {
  it('reads both spellings; the last --target wins', () => {
    const s = stageSelectionFromArgs(['--target', 'a', '-t', 'img', '--target=b', '--build-arg', 'X=1', '--build-arg=Y=2=3'], {});
    expect(s.target).toBe('b');
    expect([...(s.buildArgs ?? [])]).toEqual([['X', '1'], ['Y', '2=3']]);
  });

  it('a bare --build-arg K takes K from the environment, and is dropped when unset', () => {
    const s = stageSelectionFromArgs(['--build-arg', 'K', '--build-arg', 'MISSING'], { K: 'v' });
    expect([...(s.buildArgs ?? [])]).toEqual([['K', 'v']]);
    expect(s.target).toBeUndefined();
  });
});
