import { withDependencies, type TemplateReferences } from '../config/secret-dependencies.js';
import type { BuildSecretsConfig } from '../config/schema.js';
import { SERVED_FILE_BUILD_ARGS } from '../strategies/served-file/build-arg-names.js';
import { analyzeDockerfile } from './analyze.js';
import { stagesNeeded, type StageSelection } from './stage-graph.js';

/** Which configured secrets one build needs, and which it does not. */
export type NeededSecrets =
  | {
      readonly ok: true;
      /** Ids to resolve, in config order: what the stages use and what that depends on. */
      readonly needed: readonly string[];
      /**
       * Ids to hand to the engine: only those the stages use themselves. A secret needed only as a
       * template part or passphrase is resolved but not injected on its own.
       */
      readonly inject: readonly string[];
      /** Ids the target's stages never use: not fetched, not injected. */
      readonly notNeeded: readonly string[];
      /** The stage that is built, by its name or index. */
      readonly target: string;
    }
  | { readonly ok: false; readonly message: string };

const isDynamic = (id: string): boolean => id.includes('$');

/**
 * Scope a build to what it uses: the stages `selection.target` (default: the last stage) depends
 * on ({@link stagesNeeded}), the secrets mounted (`type=secret`), forwarded (`type=ssh`, by
 * `sshId`), served (`ARG BUILDSECRETS_URL`/`BUILDSECRETS_TOKEN` declared) or passed as a
 * build-arg (its ARG declared) in those stages, plus what those secrets depend on
 * (`passphraseFrom`, template references). A mount id the analysis cannot know
 * (`id=$NAME`) keeps every secret of that kind.
 */
export function neededSecrets(config: BuildSecretsConfig, dockerfileText: string, selection: StageSelection = {}, templateRefs?: TemplateReferences): NeededSecrets {
  const stages = stagesNeeded(dockerfileText, selection);
  if (!stages.ok) return { ok: false, message: stages.message };
  const analysis = analyzeDockerfile(dockerfileText);
  const inStages = <T extends { readonly stage: number }>(items: readonly T[]): T[] => items.filter((i) => stages.stages.has(i.stage));
  const mounts = inStages(analysis.secretMounts);
  const sshMounts = inStages(analysis.sshMounts);
  const args = new Set(analysis.args.filter((a) => a.stage === -1 || stages.stages.has(a.stage)).map((a) => a.name));
  const mountIds = new Set(mounts.map((m) => m.id));
  const sshIds = new Set(sshMounts.map((m) => m.id));
  const anyDynamicMount = mounts.some((m) => isDynamic(m.id));
  const anyDynamicSsh = sshMounts.some((m) => isDynamic(m.id));
  const served = Object.values(SERVED_FILE_BUILD_ARGS).some((name) => args.has(name));

  const direct = Object.entries(config.secrets).filter(([id, s]) => {
    switch (s.inject) {
      case 'secret-mount':
        return anyDynamicMount || mountIds.has(id);
      case 'ssh-agent':
        return anyDynamicSsh || sshIds.has(s.sshId ?? 'default');
      case 'served-file':
        return served;
      case 'build-arg':
        return args.has(s.buildArg ?? id);
      default:
        return false;
    }
  });
  const all = withDependencies(config, direct.map(([id]) => id), templateRefs);
  const injected = new Set(direct.map(([id]) => id));
  const ids = Object.keys(config.secrets);
  const stage = analysis.stages[stages.target];
  return {
    ok: true,
    needed: ids.filter((id) => all.has(id)),
    inject: ids.filter((id) => injected.has(id)),
    notNeeded: ids.filter((id) => !all.has(id)),
    target: stage?.name ?? String(stages.target),
  };
}
