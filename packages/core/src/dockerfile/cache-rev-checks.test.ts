import { describe, expect, it } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { analyzeDockerfile } from './analyze.js';
import { checkDockerfileAgainstConfig, type PlanFinding } from './plan-checks.js';

const config = (secrets: BuildSecretsConfigInput['secrets'], build: BuildSecretsConfigInput['build'] = {}) =>
  configSchema.parse({ version: 1, providers: { v: { use: 'vault' } }, secrets, build });
const revFindings = (dockerfile: string, secrets: BuildSecretsConfigInput['secrets'], build?: BuildSecretsConfigInput['build']): PlanFinding[] =>
  checkDockerfileAgainstConfig(analyzeDockerfile(dockerfile), config(secrets, build)).filter((f) => f.code === 'cache-rev-arg-missing');
const lines = (findings: PlanFinding[]) => findings.map((f) => `${f.secretId}@${f.line}/${f.stage}`);
const NPM = { npm: { from: 'v', ref: 'secret/npm', cache: 'version' as const } };

describe('plan: cache rev ARG per stage', () => {
  it('is satisfied by the ARG declared above the RUN in the same stage', () => {
    expect(revFindings('FROM busybox\nARG BUILDSECRETS_REV_NPM\nRUN --mount=type=secret,id=npm,required=true make', NPM)).toEqual([]);
  });

  it('warns with the exact line to add when the ARG is missing', () => {
    const [finding, ...rest] = revFindings('FROM busybox AS deps\nRUN --mount=type=secret,id=npm,required=true npm ci', NPM);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warning', secretId: 'npm', line: 2, stage: 0 });
    expect(finding?.message).toContain('add this line above it: ARG BUILDSECRETS_REV_NPM');
    expect(finding?.message).toContain('stage deps');
  });

  it('does not count an ARG declared after the RUN', () => {
    expect(lines(revFindings('FROM busybox\nRUN --mount=type=secret,id=npm,required=true make\nARG BUILDSECRETS_REV_NPM', NPM))).toEqual(['npm@2/0']);
  });

  it('checks each stage on its own: ARGs do not carry into the next stage, nor into a stage built FROM it', () => {
    const dockerfile = [
      'ARG BUILDSECRETS_REV_NPM',
      'FROM busybox AS one',
      'ARG BUILDSECRETS_REV_NPM',
      'RUN --mount=type=secret,id=npm,required=true a',
      'FROM one AS two',
      'RUN --mount=type=secret,id=npm,required=true b',
      'FROM busybox AS three',
      'ARG BUILDSECRETS_REV_NPM',
      'RUN --mount=type=secret,id=npm,required=true c',
      'FROM busybox',
      'RUN --mount=type=secret,id=npm,required=true d',
    ].join('\n');
    expect(lines(revFindings(dockerfile, NPM))).toEqual(['npm@6/1', 'npm@11/3']);
  });

  it('does not accept a global ARG before the first FROM on its own', () => {
    expect(lines(revFindings('ARG BUILDSECRETS_REV_NPM\nFROM busybox\nRUN --mount=type=secret,id=npm,required=true make', NPM))).toEqual(['npm@3/0']);
  });

  it('checks ssh mounts against every cached ssh-agent secret with that ssh id', () => {
    const secrets = { deploy: { from: 'v', ref: 'secret/deploy', inject: 'ssh-agent' as const, sshId: 'git' }, other: { from: 'v', ref: 'secret/o', inject: 'ssh-agent' as const } };
    const findings = revFindings('FROM busybox\nARG BUILDSECRETS_REV_OTHER\nRUN --mount=type=ssh,id=git,required=true git clone x\nRUN --mount=type=ssh,required=true git clone y', secrets, { cache: 'keyed', cacheKeyFrom: 'k' });
    expect(lines(findings)).toEqual(['deploy@3/0']);
  });

  it('applies build.cache to mounted secrets, and says nothing about secrets with cache off', () => {
    const secrets = { npm: { from: 'v', ref: 'secret/npm' }, pip: { from: 'v', ref: 'secret/pip', cache: 'off' as const } };
    const dockerfile = 'FROM busybox\nRUN --mount=type=secret,id=npm,required=true --mount=type=secret,id=pip,required=true make';
    expect(lines(revFindings(dockerfile, secrets, { cache: 'version' }))).toEqual(['npm@2/0']);
    expect(revFindings(dockerfile, secrets)).toEqual([]);
  });

  it('does not call the rev ARG itself secret-like (its name contains TOKEN)', () => {
    const all = checkDockerfileAgainstConfig(analyzeDockerfile('FROM busybox\nARG BUILDSECRETS_REV_NPM_TOKEN\nRUN --mount=type=secret,id=npm_token,required=true make'), config({ npm_token: { from: 'v', ref: 'secret/npm', cache: 'version' } }));
    expect(all).toEqual([]);
  });
});
