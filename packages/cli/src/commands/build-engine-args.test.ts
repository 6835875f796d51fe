import { UsageError } from '@buildsecrets/core';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args.js';
import { GLOBAL_OPTIONS } from '../global-options.js';
import { buildCommand } from './build.js';
import { buildOptionsFrom } from './build-args.js';

const parse = (argv: string[]) => parseArgs(argv, { ...GLOBAL_OPTIONS, ...buildCommand.options }, { passthrough: true });

describe('buildsecrets build --engine', () => {
  it('takes auto or an engine name and keeps it out of the engine arguments', () => {
    expect(buildOptionsFrom(parse(['--engine', 'podman', '-t', 'app', '.']), '/w')).toMatchObject({ engine: 'podman', engineArgs: ['-t', 'app'] });
    expect(buildOptionsFrom(parse(['--engine=docker-classic', '.']), '/w').engine).toBe('docker-classic');
    expect(buildOptionsFrom(parse(['--engine', 'auto', '.']), '/w').engine).toBe('auto');
    expect(buildOptionsFrom(parse(['.']), '/w').engine).toBeUndefined();
  });

  it('refuses an unknown engine with the list of names', () => {
    expect(() => buildOptionsFrom(parse(['--engine', 'kaniko', '.']), '/w')).toThrow(UsageError);
    expect(() => buildOptionsFrom(parse(['--engine', 'kaniko', '.']), '/w')).toThrow(/auto or one of docker-buildx, docker-buildkit, docker-classic, podman, buildah/);
  });
});
