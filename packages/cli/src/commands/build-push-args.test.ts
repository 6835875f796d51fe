import { describe, expect, it } from 'vitest';
import { UsageError } from '@buildsecrets/core';
import { parseArgs } from '../args.js';
import { buildCommand } from './build.js';
import { buildOptionsFrom } from './build-args.js';

const parse = (argv: string[]) => buildOptionsFrom(parseArgs(argv, buildCommand.options, { passthrough: true }), '/work');

describe('buildsecrets build --push options', () => {
  it('--push turns the gate on; --push-cert-dir (resolved) and --push-tls-verify=false set TLS for podman/buildah', () => {
    expect(parse(['--push', '-t', 'r/app', '.']).push).toBe(true);
    expect(parse(['--push', '--push-cert-dir', 'certs', '--push-tls-verify=false', '-t', 'r/app', '.']).push).toEqual({ certDir: '/work/certs', tlsVerify: false });
    expect(parse(['--no-push', '-t', 'r/app', '.']).push).toBe(false);
    expect(parse(['-t', 'r/app', '.']).push).toBeUndefined();
  });

  it('--push is no longer passed to the engine; TLS flags without --push and a bad --push-tls-verify are usage errors', () => {
    expect(parse(['--push', '-t', 'r/app', '.']).engineArgs).not.toContain('--push');
    expect(() => parse(['--push-cert-dir', 'c', '-t', 'r/app', '.'])).toThrow(UsageError);
    expect(() => parse(['--push', '--push-tls-verify=maybe', '-t', 'r/app', '.'])).toThrow(UsageError);
  });

  it('--format takes text, json or sarif', () => {
    expect(buildCommand.options['format']).toBeDefined();
  });
});
