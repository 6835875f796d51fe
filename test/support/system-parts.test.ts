import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, missingParts, skipReason } from './system-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'bs-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'present-tool'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(dir, 'not-executable'), 'x', { mode: 0o644 });

describe('the system-part gate for tests', () => {
  it('finds executables on the given PATH and by absolute path', () => {
    expect(findBinary('present-tool', dir)).toBe(join(dir, 'present-tool'));
    expect(findBinary(join(dir, 'present-tool'), '')).toBe(join(dir, 'present-tool'));
  });

  it('counts a missing or non-executable file as missing (so the suite skips, or fails under REQUIRE_E2E=1)', () => {
    expect(missingParts(['present-tool', 'not-executable', 'sshd', '/nonexistent/sshd'], dir)).toEqual(['not-executable', 'sshd', '/nonexistent/sshd']);
  });

  it('gives a one-line reason that says how to install the parts', () => {
    const reason = skipReason(['/usr/sbin/sshd', 'ssh-keygen']);
    expect(reason).not.toContain('\n');
    expect(reason).toBe('needs /usr/sbin/sshd, ssh-keygen (install with: sudo scripts/e2e-services.sh install)');
  });
});
