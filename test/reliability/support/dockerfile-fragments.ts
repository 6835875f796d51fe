import fc from 'fast-check';

// Dockerfiles built from instruction fragments that matter to buildsecrets (secret/ssh mounts with
// odd ids, proxy ARGs, heredocs, continuations, parser directives). Shared by the analyser fuzz
// test and the CLI fuzz test so both explore the same space.
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
/** A Dockerfile of 1–12 generated instructions. */
export const dockerfile = fc.array(instruction, { minLength: 1, maxLength: 12 }).map((lines) => `${lines.join('\n')}\n`);

