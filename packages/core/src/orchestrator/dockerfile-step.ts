import type { BuildSecretsConfig } from '../config/schema.js';
import { analyzeDockerfile } from '../dockerfile/analyze.js';
import { checkDockerfileAgainstConfig } from '../dockerfile/plan-checks.js';
import type { DockerfileCheck } from './build-steps.js';

/**
 * The images the stages start from: not `scratch`, not an earlier stage, and not one named by a
 * build argument (`FROM $BASE` cannot be known here; its layers then count as the build's).
 */
export function baseImagesOf(stages: readonly { readonly name: string | undefined; readonly base: string }[]): string[] {
  const names = new Set<string>();
  const images = new Set<string>();
  for (const stage of stages) {
    const base = stage.base;
    if (base && base.toLowerCase() !== 'scratch' && !names.has(base.toLowerCase()) && !base.includes('$')) images.add(base);
    if (stage.name) names.add(stage.name);
  }
  return [...images];
}

/**
 * The build's Dockerfile check: parse problems BuildKit would reject and config mismatches (a
 * mounted secret that is not configured, a wrong ssh id) stop the build; the rest are warnings.
 */
export function checkDockerfileStep(input: { readonly file: string; readonly text: string; readonly config: BuildSecretsConfig }): DockerfileCheck {
  const analysis = analyzeDockerfile(input.text, { file: input.file });
  const findings = [
    ...analysis.diagnostics.map((d) => ({ severity: d.severity, message: `${input.file}${d.line ? `:${d.line}` : ''}: ${d.message}` })),
    ...checkDockerfileAgainstConfig(analysis, input.config),
  ];
  return {
    errors: findings.filter((f) => f.severity === 'error').map((f) => f.message),
    warnings: findings.filter((f) => f.severity === 'warning').map((f) => f.message),
    declaredArgs: new Set(analysis.args.map((a) => a.name)),
    baseImages: baseImagesOf(analysis.stages),
  };
}
