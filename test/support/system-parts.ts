// Tests that need a part of the operating system (OpenSSH, busybox, docker, …) go through this gate:
// on a machine without the part they are skipped with a one-line reason, and under REQUIRE_E2E=1
// (CI, after `scripts/e2e-services.sh install`) they fail instead, so a missing part is never a pass.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describe, it } from 'vitest';

/** Where a binary is: an absolute path as given, or the first match on PATH; undefined when missing. */
export function findBinary(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  const candidates = isAbsolute(name) ? [name] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The parts (binaries) in `parts` that are missing on this machine. */
export function missingParts(parts: readonly string[], path?: string): string[] {
  return parts.filter((part) => findBinary(part, path) === undefined);
}

/** The reason line a skipped suite prints. */
export function skipReason(missing: readonly string[]): string {
  return `needs ${missing.join(', ')} (install with: sudo scripts/e2e-services.sh install)`;
}

/**
 * `describe` for a suite that needs the system binaries `parts` (bare names are looked up on PATH).
 * All present: a normal suite. Some missing: skipped with a printed reason, or — with
 * REQUIRE_E2E=1 — one failing test that names what is missing.
 */
export function describeWithParts(name: string, parts: readonly string[], body: () => void): void {
  const missing = missingParts(parts);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = skipReason(missing);
  if (process.env['REQUIRE_E2E'] === '1') {
    describe(name, () => {
      it(`has the system parts it needs (REQUIRE_E2E=1)`, () => {
        throw new Error(`missing system parts: ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`[skip] "${name}": ${reason}\n`);
  describe.skip(name, body);
}
