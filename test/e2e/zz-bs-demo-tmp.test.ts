import { it } from 'vitest';
import { analyzeDockerfile, checkDockerfileAgainstConfig, configSchema, buildArgStrategy, secretConfigSchema, silentLogger } from '@buildsecrets/core';
it('demo', () => {
  const a = analyzeDockerfile('FROM busybox AS build\nRUN --mount=type=ssh,id=gh --mount=type=secret,id=npm true\nARG NPM_TOKEN HTTP_PROXY\n');
  const c = configSchema.parse({ version: 1, providers: { l: { use: 'env' } }, secrets: { key: { from: 'l', ref: 'K', inject: 'ssh-agent' }, tok: { from: 'l', ref: 'T', inject: 'build-arg' } } });
  for (const f of checkDockerfileAgainstConfig(a, c)) console.log(f.severity, f.code, '|', f.message);
  try { buildArgStrategy().validate?.([{ id: 'tok', config: secretConfigSchema.parse({ from: 'l', ref: 'T', inject: 'build-arg' }) }], { declaredArgs: new Set(), logger: silentLogger }); } catch (e) { console.log((e as Error).message); }
});
