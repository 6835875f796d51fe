import { describe, expect, it } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { analyzeDockerfile } from './analyze.js';
import { checkDockerfileAgainstConfig, type PlanFinding } from './plan-checks.js';

const config = (secrets: BuildSecretsConfigInput['secrets']) => configSchema.parse({ version: 1, providers: { local: { use: 'env' } }, secrets });
const check = (dockerfile: string, secrets: BuildSecretsConfigInput['secrets']): PlanFinding[] => checkDockerfileAgainstConfig(analyzeDockerfile(dockerfile), config(secrets));
const summary = (findings: PlanFinding[]): string[] => findings.map((f) => `${f.severity}:${f.code}:${f.secretId ?? ''}:${f.line ?? ''}`);

describe('checkDockerfileAgainstConfig', () => {
  it('is silent when every mount is configured and required', () => {
    expect(check('FROM busybox\nRUN --mount=type=secret,id=npm,required=true true', { npm: { from: 'local', ref: 'NPM' } })).toEqual([]);
  });

  it('reports a mounted secret the config lacks as an error, and an unmounted one as a warning', () => {
    const findings = check('FROM busybox AS b\nRUN --mount=type=secret,id=ghost,required true', { unused: { from: 'local', ref: 'U' } });
    expect(summary(findings)).toEqual(['error:secret-not-configured:ghost:2', 'warning:secret-not-mounted:unused:']);
    expect(findings[0]?.message).toContain('stage b');
    expect(findings[0]?.stage).toBe(0);
  });

  it('reports a secret mounted as a file but configured for another strategy', () => {
    expect(summary(check('FROM busybox\nRUN --mount=type=secret,id=k,required true', { k: { from: 'local', ref: 'K', inject: 'ssh-agent' } }))).toContain('error:mount-inject-mismatch:k:2');
  });

  it('warns about mounts without required=true', () => {
    const findings = check('FROM busybox\nRUN --mount=type=secret,id=a --mount=type=ssh true', { a: { from: 'local', ref: 'A' }, key: { from: 'local', ref: 'K', inject: 'ssh-agent' } });
    expect(summary(findings)).toEqual(['warning:mount-not-required:a:2', 'warning:mount-not-required:default:2']);
    expect(findings[0]?.message).toMatch(/silently/);
  });

  it('reports ssh mount ids that match no configured sshId, naming the buildx#2420 trap', () => {
    const findings = check('FROM busybox\nRUN --mount=type=ssh,id=github,required true', { key: { from: 'local', ref: 'K', inject: 'ssh-agent' } });
    expect(summary(findings)).toEqual(['error:ssh-id-mismatch:github:2', 'warning:ssh-not-mounted:key:']);
    expect(findings[0]?.message).toContain('docker/buildx#2420');
    expect(findings[0]?.message).toContain('configured: default');
  });

  it('matches ssh mounts against sshId', () => {
    expect(check('FROM busybox\nRUN --mount=type=ssh,id=github,required true', { key: { from: 'local', ref: 'K', inject: 'ssh-agent', sshId: 'github' } })).toEqual([]);
  });

  it('does not judge mount ids built from variables (the analysis already warned)', () => {
    expect(check('FROM busybox\nARG WHICH=npm\nRUN --mount=type=secret,id=$WHICH,required true', { npm: { from: 'local', ref: 'N' } })).toEqual([]);
    expect(check('FROM busybox\nRUN --mount=type=ssh,id=${KEY},required true', { k: { from: 'local', ref: 'K', inject: 'ssh-agent' } })).toEqual([]);
  });

  it('warns about secret-looking ARG and ENV names', () => {
    const findings = check('FROM busybox\nARG NPM_TOKEN VERSION\nENV DB_PASSWORD=x AUTHOR=me\nENV apiKey legacy', {});
    expect(summary(findings)).toEqual(['warning:secret-like-arg::2', 'warning:secret-like-env::3', 'warning:secret-like-env::4']);
    expect(findings[0]?.message).toContain('use a secret mount instead');
  });

  it('warns when a proxy arg is declared, and does not ask for an ARG for a proxy build-arg', () => {
    const findings = check('FROM busybox\nARG HTTP_PROXY', { proxy: { from: 'local', ref: 'P', inject: 'build-arg', buildArg: 'HTTP_PROXY' } });
    expect(summary(findings)).toEqual(['warning:proxy-arg-declared::2']);
    expect(check('FROM busybox\nRUN true', { proxy: { from: 'local', ref: 'P', inject: 'build-arg', buildArg: 'https_proxy' } })).toEqual([]);
  });

  it('warns about a build-arg secret whose ARG is not declared', () => {
    expect(summary(check('FROM busybox\nRUN true', { version: { from: 'local', ref: 'V', inject: 'build-arg', allowInsecure: true } }))).toEqual(['warning:build-arg-not-declared:version:']);
  });

  it('does not repeat the secret-like warning for a build-arg whose risk was accepted, or for the served-file token', () => {
    expect(check('FROM busybox\nARG GH_TOKEN', { gh: { from: 'local', ref: 'G', inject: 'build-arg', buildArg: 'GH_TOKEN', allowInsecure: true } })).toEqual([]);
    expect(check('FROM busybox\nARG BUILDSECRETS_URL BUILDSECRETS_TOKEN', { f: { from: 'local', ref: 'F', inject: 'served-file' } })).toEqual([]);
  });
});
