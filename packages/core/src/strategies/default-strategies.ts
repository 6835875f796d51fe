import type { InjectionKind } from '../config/schema.js';
import { buildArgStrategy } from './build-arg.js';
import { secretMountStrategy } from './secret-mount.js';
import { servedFileStrategy } from './served-file/served-file-strategy.js';
import { sshAgentStrategy } from './ssh-agent/ssh-agent-strategy.js';
import type { InjectionStrategy } from './types.js';

/** The built-in strategy for every injection kind. Library users can replace any of them. */
export function defaultStrategies(): Map<Exclude<InjectionKind, 'none'>, InjectionStrategy> {
  const strategies: InjectionStrategy[] = [secretMountStrategy(), buildArgStrategy(), servedFileStrategy(), sshAgentStrategy()];
  return new Map(strategies.map((s) => [s.kind, s]));
}
