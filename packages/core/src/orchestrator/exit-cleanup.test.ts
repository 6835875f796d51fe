import { afterEach, describe, expect, it } from 'vitest';
import type { ContainersBuildWatch, Janitor, JanitorMessage } from '../janitor/janitor.js';
import { attachJanitor, trackContainersBuild, trackPath } from './exit-cleanup.js';

/** A watchdog that only records what it is told. */
function recordingJanitor(): { janitor: Janitor; told: JanitorMessage[]; released: () => boolean } {
  const told: JanitorMessage[] = [];
  let released = false;
  return { janitor: { pid: undefined, send: (m) => void told.push(m), release: () => void (released = true) }, told, released: () => released };
}

const watch: ContainersBuildWatch = { runId: '0123456789abcdef01234567', kind: 'podman', binary: '/usr/bin/podman', env: {}, bundleDir: '/var/tmp', envCopies: [] };
let detach: (() => void) | undefined;
afterEach(() => {
  detach?.();
  detach = undefined;
});

describe('the last-resort registry hands what it holds to the watchdog', () => {
  it('a podman/buildah build recorded before the watchdog is attached starts it and is told to it, and forgetting it is told too', () => {
    const forget = trackContainersBuild(watch);
    const { janitor, told } = recordingJanitor();
    detach = attachJanitor(() => janitor);
    expect(told).toEqual([{ op: 'containers', value: watch }]);
    forget();
    expect(told.at(-1)).toEqual({ op: 'uncontainers', value: watch.runId });
  });

  it('a watchdog attached with nothing recorded is not started until something is', () => {
    let started = 0;
    const { janitor, told } = recordingJanitor();
    detach = attachJanitor(() => (started++, janitor));
    expect(started).toBe(0);
    const forget = trackPath('/nonexistent/bs-exit-cleanup-test');
    expect(started).toBe(1);
    // (Told twice — replayed on start, then sent — which the watchdog's set absorbs.)
    expect(told).toContainEqual({ op: 'path', value: '/nonexistent/bs-exit-cleanup-test' });
    forget();
  });
});
