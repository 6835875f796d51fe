import { UsageError } from '@buildsecrets/core';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args.js';
import { GLOBAL_OPTIONS } from '../global-options.js';
import { buildCommand } from './build.js';
import { buildOptionsFrom, splitContext } from './build-args.js';

const parse = (argv: string[]) => parseArgs(argv, { ...GLOBAL_OPTIONS, ...buildCommand.options }, { passthrough: true });

describe('buildsecrets build command line', () => {
  it('passes unknown docker flags and their values through untouched, in order, and takes the last positional as context', () => {
    const options = buildOptionsFrom(parse(['-t', 'app', '--build-arg', 'X=1', '--target', 'prod', '--platform', 'linux/amd64', '--progress=plain', '--network=host', '.']), '/work');
    expect(options.engineArgs).toEqual(['-t', 'app', '--build-arg', 'X=1', '--target', 'prod', '--platform', 'linux/amd64', '--progress=plain', '--network=host']);
    expect(options.context).toBe('/work');
  });

  it('keeps its own options out of the docker arguments', () => {
    const options = buildOptionsFrom(parse(['-f', 'docker/Dockerfile', '--docker', '/usr/bin/docker', '--dry-run', '--audit=warn', '--config', 'bs.yaml', '--verbose', '-t', 'app', 'ctx']), '/work');
    expect(options).toEqual({ context: '/work/ctx', engineArgs: ['-t', 'app'], dockerfile: '/work/docker/Dockerfile', docker: '/usr/bin/docker', audit: 'warn', dryRun: true });
  });

  it('--no-audit turns the audit off and is not passed to docker', () => {
    const options = buildOptionsFrom(parse(['--no-audit', '.']), '/w');
    expect(options.audit).toBe('off');
    expect(options.engineArgs).toEqual([]);
  });

  it('takes one audit vocabulary: fail|warn|off, true/false as aliases, and --base-layers beside it', () => {
    expect(buildOptionsFrom(parse(['--audit=off', '.']), '/w').audit).toBe('off');
    expect(buildOptionsFrom(parse(['--audit', 'true', '.']), '/w').audit).toBe('fail');
    expect(buildOptionsFrom(parse(['--audit=false', '.']), '/w').audit).toBe('off');
    expect(buildOptionsFrom(parse(['--base-layers=fail', '--audit=warn', '.']), '/w').audit).toEqual({ mode: 'warn', baseLayers: 'fail' });
    expect(() => buildOptionsFrom(parse(['--base-layers', 'maybe', '.']), '/w')).toThrow(UsageError);
  });

  it('refuses an --audit value other than fail, warn or off', () => {
    expect(() => buildOptionsFrom(parse(['--audit', 'maybe', '.']), '/w')).toThrow(UsageError);
  });

  it('refuses a command line without a context, also when the last word is the value of a docker flag', () => {
    expect(() => splitContext([])).toThrow(/missing the build context/);
    expect(() => splitContext(['-t', 'app'])).toThrow(UsageError);
    expect(() => splitContext(['--no-cache'])).toThrow(UsageError);
    expect(splitContext(['--no-cache', '.'])).toEqual({ engineArgs: ['--no-cache'], context: '.' });
  });
});
