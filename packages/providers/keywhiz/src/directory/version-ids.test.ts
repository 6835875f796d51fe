import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretResult } from '@buildsecrets/core';
import { createTestContext } from '@buildsecrets/test-kit';
import keywhiz from '../index.js';
import { keywhizOptionsSchema } from '../options.js';
import { makeCanary } from '../../../../../test/setup/canary-values.js';

const CANARY = makeCanary('kw-version-id');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kw-version-'));
  mkdirSync(join(root, '.json/secret'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Write a secret the way keywhiz-fs lays it out: the content, and the Keywhiz JSON under .json/secret/. */
function deploy(name: string, value: string, meta: Record<string, unknown> | undefined): void {
  writeFileSync(join(root, name), value);
  if (meta) writeFileSync(join(root, '.json/secret', name), JSON.stringify({ name, secret: Buffer.from(value).toString('base64'), secretLength: value.length, ...meta }));
}

async function resolve(ref: string): Promise<SecretResult> {
  const provider = await keywhiz.create(keywhizOptionsSchema.parse({ mode: 'directory', root }), createTestContext({ instanceName: 'kw' }).context);
  const [result] = await provider.resolve([{ id: 'sec', ref }], new AbortController().signal);
  await provider.dispose();
  return result!;
}
const versionOf = (r: SecretResult): string | undefined => (r.ok ? r.versionId : undefined);

describe('keywhiz directory version ids (for cache: version)', () => {
  it('declares the capability', () => {
    expect(keywhiz.capabilities.versionIds).toBe(true);
  });

  it('returns <file>@<content timestamp> from keywhiz-fs metadata, changing when a new version is deployed', async () => {
    deploy('npm-token', CANARY, { creationDate: '2026-11-01T10:00:00Z' });
    expect(versionOf(await resolve('npm-token'))).toBe('npm-token@2026-11-01T10:00:00Z');
    deploy('npm-token', `${CANARY}-rotated`, { creationDate: '2026-11-30T09:00:00Z' });
    const rotated = await resolve('npm-token');
    expect(rotated.ok && rotated.value.revealString()).toBe(`${CANARY}-rotated`);
    expect(versionOf(rotated)).toBe('npm-token@2026-11-30T09:00:00Z');
  });

  it('prefers contentCreatedAt (epoch seconds) over creationDate', async () => {
    deploy('db', CANARY, { creationDate: '2020-01-01T00:00:00Z', contentCreatedAt: 1764493200 });
    expect(versionOf(await resolve('db'))).toBe('db@1764493200');
  });

  it('has no version id for a plain Docker/Kubernetes secret dir, or a timestamp it cannot trust', async () => {
    deploy('plain', CANARY, undefined);
    expect(versionOf(await resolve('plain'))).toBeUndefined();
    deploy('odd', CANARY, { creationDate: `not a date ${CANARY}` });
    expect(versionOf(await resolve('odd'))).toBeUndefined();
  });
});
