import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, checkDockerfileAgainstConfig, parseConfig } from '@buildsecrets/core';
import { applyEdits, textEdit } from './support/mutate-text.js';

// Dockerfiles generated from instruction fragments, then mutated: the analyser and the plan checks
// must return (with diagnostics or findings) for every input, never throw.
const CONFIG = parseConfig(
  `version: 1
providers: { local: { use: env } }
secrets:
  npm_token: { from: local, ref: NPM_TOKEN }
  deploy: { from: local, ref: DEPLOY, inject: ssh-agent, sshId: github }
  proxy: { from: local, ref: PROXY, inject: build-arg, buildArg: HTTP_PROXY, allowInsecure: true }
  cert: { from: local, ref: CERT, inject: served-file }
`,
  { env: {} },
).config;

const id = fc.constantFrom('npm_token', 'deploy', 'proxy', 'cert', 'unknown', '', 'a,b', '"q"', '$X', '${ID}');
const mountOption = fc.oneof(
  id.map((v) => `id=${v}`),
  fc.constantFrom('required=true', 'required=false', 'required', 'mode=0400', 'uid=0', 'target=/run/secrets/x', 'dst=/x', 'env=TOKEN', 'type=secret', 'type=ssh', 'type=cache', 'type=bind', 'source=x', 'from=build', 'rw'),
);
const mount = fc.tuple(fc.constantFrom('secret', 'ssh', 'cache', 'bind', 'tmpfs', ''), fc.array(mountOption, { maxLength: 4 })).map(([type, opts]) => `--mount=${[type ? `type=${type}` : '', ...opts].filter(Boolean).join(',')}`);
const command = fc.constantFrom('npm ci', 'cat /run/secrets/npm_token', 'echo "$HTTP_PROXY"', 'git clone git@github.com:x/y', 'buildsecrets-fetch cert -- make', 'true', '["sh", "-c", "echo hi"]', '<<EOF\necho heredoc\nEOF', 'a \\\n  b \\\n  c', "echo 'unterminated");
const instruction = fc.oneof(
  fc.constantFrom('FROM busybox', 'FROM busybox AS build', 'FROM --platform=$BUILDPLATFORM busybox AS x', 'FROM build', 'FROM scratch', '# syntax=docker/dockerfile:1', '# escape=`', '# escape=\\', '# just a comment'),
  fc.tuple(fc.constantFrom('ARG', 'ENV', 'LABEL'), fc.constantFrom('HTTP_PROXY', 'NPM_TOKEN=abc', 'BUILDSECRETS_URL', 'BUILDSECRETS_TOKEN', 'A="b c"', 'X=${Y:-z}', '')).map(([k, v]) => `${k} ${v}`),
  fc.tuple(fc.array(mount, { maxLength: 3 }), fc.constantFrom('', '--network=host', '--network=none', '--security=insecure'), command).map(([mounts, flag, cmd]) => `RUN ${[...mounts, flag].filter(Boolean).join(' ')} ${cmd}`),
  fc.constantFrom('COPY . /app', 'COPY --from=build /x /y', 'ADD https://example.invalid/x /x', 'WORKDIR /app', 'USER 1000', 'ONBUILD RUN --mount=type=secret,id=npm_token true', 'CMD ["x"]', 'HEALTHCHECK CMD true', 'SHELL ["/bin/sh", "-c"]', 'STOPSIGNAL SIGTERM', 'VOLUME /data', 'EXPOSE 80'),
);
const dockerfile = fc.array(instruction, { minLength: 1, maxLength: 12 }).map((lines) => `${lines.join('\n')}\n`);

function neverThrows(text: string): void {
  let analysis;
  try {
    analysis = analyzeDockerfile(text);
  } catch (error) {
    throw new Error(`analyzeDockerfile threw: ${inspect(error).slice(0, 1500)}`);
  }
  try {
    const findings = checkDockerfileAgainstConfig(analysis, CONFIG);
    expect(Array.isArray(findings)).toBe(true);
  } catch (error) {
    throw new Error(`checkDockerfileAgainstConfig threw: ${inspect(error).slice(0, 1500)}`);
  }
}

describe('fuzzed Dockerfiles never make the analyser or the plan checks throw', () => {
  it('1,000 Dockerfiles generated from instruction fragments', () => {
    fc.assert(fc.property(dockerfile, neverThrows), { numRuns: 1000 });
  });

  it('1,000 generated Dockerfiles with random character-level mutations', () => {
    fc.assert(fc.property(dockerfile, fc.array(textEdit, { minLength: 1, maxLength: 8 }), (text, edits) => neverThrows(applyEdits(text, edits))), { numRuns: 1000 });
  });

  it('300 arbitrary strings, including binary and huge line continuations', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ maxLength: 40 }).map((s) => `RUN ${`${s} \\\n`.repeat(200)}`)), neverThrows), { numRuns: 300 });
  });

  it('the generated fragments do exercise the checks (some Dockerfiles produce findings)', () => {
    const samples = fc.sample(dockerfile, { numRuns: 200, seed: 42 });
    const withFindings = samples.filter((text) => checkDockerfileAgainstConfig(analyzeDockerfile(text), CONFIG).length > 0);
    expect(withFindings.length).toBeGreaterThan(0);
  });
});
