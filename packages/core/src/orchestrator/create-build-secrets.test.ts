import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, SecretNotFoundError, SecretsUnresolvedError } from '../errors/index.js';
import { defineProvider } from '../provider/define-provider.js';
import { secretFailed, secretOk } from '../provider/results.js';
import { createBuildSecrets } from './create-build-secrets.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('orchestrator');

/** A provider that records its lifecycle, so the tests can see creation and disposal. */
function recordingProvider(events: string[]) {
  return defineProvider({
    apiVersion: 1,
    name: 'recording',
    optionsSchema: z.object({ values: z.record(z.string(), z.string()) }).strict(),
    capabilities: { keys: true },
    create(options, context) {
      events.push(`create ${context.instanceName}`);
      return {
        async resolve(requests) {
          return requests.map((r) =>
            r.ref in options.values ? secretOk(r.id, options.values[r.ref]!) : secretFailed(r.id, new SecretNotFoundError(`no ${r.ref}`, { secretId: r.id, provider: context.instanceName })),
          );
        },
        dispose() {
          events.push(`dispose ${context.instanceName}`);
        },
      };
    },
  });
}

const config = (values: Record<string, string>) => ({
  version: 1 as const,
  providers: { rec: { use: 'recording', options: { values } }, unused: { use: 'recording', options: { values: {} } } },
  secrets: { a: { from: 'rec', ref: 'A' } },
});

describe('createBuildSecrets', () => {
  it('resolves through a programmatically registered provider, creating only the instances it uses, and disposes them', async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const bs = await createBuildSecrets({ config: config({ A: CANARY }), providers: { recording: recordingProvider(events) }, env: {}, log: (l) => logs.push(l), logLevel: 'debug' });
    const values = await bs.resolve();
    expect(values.get('a')?.revealString()).toBe(CANARY);
    expect(events).toEqual(['create rec', 'dispose rec']);
    expect(bs.redactor.redact(`token=${CANARY}`)).toBe('token=***');
    await bs.dispose();
    expect(() => values.get('a')?.reveal()).toThrow(/wiped/);
    expect(logs.join('\n')).not.toContain(CANARY);
  });

  it('disposes providers after a failed resolution too, and fails closed', async () => {
    const events: string[] = [];
    const bs = await createBuildSecrets({ config: config({}), providers: { recording: recordingProvider(events) }, env: {} });
    await expect(bs.resolve()).rejects.toBeInstanceOf(SecretsUnresolvedError);
    expect(events).toEqual(['create rec', 'dispose rec']);
    await bs.dispose();
  });

  it('uses a fresh child container per run (a second resolve creates the provider again)', async () => {
    const events: string[] = [];
    const bs = await createBuildSecrets({ config: config({ A: 'x' }), providers: { recording: recordingProvider(events) }, env: {} });
    await bs.resolve();
    await bs.resolve();
    expect(events).toEqual(['create rec', 'dispose rec', 'create rec', 'dispose rec']);
    await bs.dispose();
  });

  it('validates provider options through the provider schema, with paths', async () => {
    const bad = { ...config({}), providers: { rec: { use: 'recording', options: { values: { A: 1 } } } } };
    const err = await createBuildSecrets({ config: bad as never, providers: { recording: recordingProvider([]) }, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]?.path).toBe('providers.rec.options.values.A');
  });

  it('check reports per secret without throwing', async () => {
    const bs = await createBuildSecrets({
      config: { ...config({ A: 'x' }), secrets: { a: { from: 'rec', ref: 'A' }, b: { from: 'rec', ref: 'B' } } },
      providers: { recording: recordingProvider([]) },
      env: {},
    });
    const report = await bs.check();
    expect(report.ok).toBe(false);
    expect(report.entries.map((e) => [e.id, e.ok, e.error?.code])).toEqual([
      ['a', true, undefined],
      ['b', false, 'SECRET_NOT_FOUND'],
    ]);
    await bs.dispose();
  });

  it('registers interpolated values as sensitive from the start', async () => {
    const bs = await createBuildSecrets({
      config: { version: 1, providers: { rec: { use: 'recording', options: { values: { A: '${PASSWORD}' } } } }, secrets: {} },
      providers: { recording: recordingProvider([]) },
      env: { PASSWORD: CANARY },
    });
    expect(bs.redactor.redact(CANARY)).toBe('***');
    await bs.dispose();
  });
});

describe('createBuildSecrets().plan', () => {
  it('redacts values interpolated into refs, keys and versions', async () => {
    const bs = await createBuildSecrets({
      config: { version: 1, providers: { rec: { use: 'recording', options: { values: {} } } }, secrets: { a: { from: 'rec', ref: 'path/${TEAM_SECRET}', key: '${TEAM_SECRET}' } } },
      providers: { recording: recordingProvider([]) },
      env: { TEAM_SECRET: CANARY },
    });
    const plan = await bs.plan();
    expect(JSON.stringify(plan)).not.toContain(CANARY);
    expect(plan.secrets[0]?.ref).toBe('path/***');
    await bs.dispose();
  });
});
