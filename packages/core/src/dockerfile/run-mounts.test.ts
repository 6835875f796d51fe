import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from './analyze.js';

const run = (flags: string): ReturnType<typeof analyzeDockerfile> => analyzeDockerfile(`FROM busybox\nRUN ${flags} true\n`);

describe('RUN --mount=type=secret', () => {
  it('reads id, target, required, mode and env', () => {
    const a = run('--mount=type=secret,id=npm,target=/root/.npmrc,required=true,mode=0440,env=NPM_TOKEN');
    expect(a.secretMounts[0]).toMatchObject({ id: 'npm', target: '/root/.npmrc', required: true, mode: 0o440, env: 'NPM_TOKEN', line: 2, stage: 0 });
  });

  it('defaults the id to the basename of target and the target to /run/secrets/<id>', () => {
    expect(run('--mount=type=secret,target=/root/.aws/credentials').secretMounts[0]).toMatchObject({ id: 'credentials', target: '/root/.aws/credentials' });
    expect(run('--mount=type=secret,id=tok').secretMounts[0]).toMatchObject({ id: 'tok', target: '/run/secrets/tok', required: false });
  });

  it('treats an env-only mount as having no file target', () => {
    expect(run('--mount=type=secret,id=tok,env=TOK').secretMounts[0]).toMatchObject({ target: undefined, env: 'TOK' });
  });

  it('reads "required" alone as true and Go booleans as values', () => {
    expect(run('--mount=type=secret,id=a,required').secretMounts[0]?.required).toBe(true);
    expect(run('--mount=type=secret,id=a,required=1').secretMounts[0]?.required).toBe(true);
    expect(run('--mount=type=secret,id=a,required=False').secretMounts[0]?.required).toBe(false);
  });

  it('accepts source/src as the id and case-insensitive keys and type', () => {
    expect(run('--mount=TYPE=Secret,src=x').secretMounts[0]?.id).toBe('x');
  });

  it('unquotes the flag and honours CSV quoting', () => {
    expect(run('--mount="type=secret,id=a b"').secretMounts[0]?.id).toBe('a b');
    expect(run(`--mount='type=secret,"target=/run/a,b"'`).secretMounts[0]).toMatchObject({ id: 'a,b', target: '/run/a,b' });
  });

  it('reports bad CSV, unknown types, unknown keys and missing ids without throwing', () => {
    const cases: [string, string][] = [
      [`--mount='type=secret,"id=a'`, 'invalid-mount'],
      [`--mount='type=secret,id=a"b'`, 'invalid-mount'],
      ['--mount=type=vault,id=a', 'unknown-mount-type'],
      ['--mount=type=secret', 'invalid-mount'],
      ['--mount=type=secret,id=a,required=maybe', 'invalid-mount'],
      ['--mount=type=secret,id=a,mode=999', 'invalid-mount'],
      ['--mount=type=secret,id=a,source=b', 'invalid-mount'],
      ['--mount=required,type=secret,id=a', 'invalid-mount'],
      ['--mount=type=secret,id=a,bogus', 'invalid-mount'],
      ['--mount', 'invalid-flag'],
      ['--mount=', 'invalid-mount'],
    ];
    for (const [flags, code] of cases) {
      const a = run(flags);
      expect(a.diagnostics.map((d) => d.code), flags).toEqual([code]);
      expect(a.secretMounts, flags).toEqual([]);
    }
  });

  it('suggests the mount type a misspelt one was probably meant to be, at its line', () => {
    expect(run('--mount=type=secrets,id=a').diagnostics).toEqual([
      { severity: 'error', code: 'unknown-mount-type', line: 2, message: 'unsupported mount type "secrets"; did you mean "secret"? (expected bind, cache, tmpfs, secret or ssh)' },
    ]);
    expect(run('--mount=type=vault,id=a').diagnostics[0]?.message).toBe('unsupported mount type "vault" (expected bind, cache, tmpfs, secret or ssh)');
  });

  it('warns about unknown flags and mount options but still reads the mount', () => {
    const a = run('--device=/dev/fuse --mount=type=secret,id=a,colour=blue');
    expect(a.diagnostics.map((d) => [d.code, d.severity])).toEqual([['unknown-flag', 'warning'], ['unknown-mount-option', 'warning']]);
    expect(a.secretMounts.map((m) => m.id)).toEqual(['a']);
  });

  it('ignores bind, cache and tmpfs mounts', () => {
    const a = run('--mount=type=cache,target=/root/.npm --mount=type=bind,source=.,target=/src --mount=target=/x');
    expect(a.diagnostics).toEqual([]);
    expect(a.secretMounts).toEqual([]);
  });
});

describe('RUN --mount=type=ssh and other flags', () => {
  it('defaults the ssh id to "default"', () => {
    expect(run('--mount=type=ssh').sshMounts[0]).toMatchObject({ id: 'default', required: false, target: undefined });
    expect(run('--mount=type=ssh,id=github,required=true,target=/agent.sock,mode=0600').sshMounts[0]).toMatchObject({ id: 'github', required: true, target: '/agent.sock', mode: 0o600 });
  });

  it('reads --network and --security and tells exec from shell form', () => {
    const a = analyzeDockerfile('FROM busybox\nRUN --network=none --security=sandbox ["true"]\nRUN --network=host true');
    expect(a.runs.map((r) => [r.network, r.security, r.form])).toEqual([['none', 'sandbox', 'exec'], ['host', undefined, 'shell']]);
  });

  it('stops reading flags at the command', () => {
    const a = run('--mount=type=secret,id=a echo --mount=type=secret,id=b');
    expect(a.secretMounts.map((m) => m.id)).toEqual(['a']);
  });

  it('warns when a mount id is a variable', () => {
    expect(run('--mount=type=secret,id=$ID').diagnostics.map((d) => [d.code, d.severity])).toEqual([['dynamic-mount-id', 'warning']]);
  });
});
