/**
 * Built-in provider short names (what `use:` accepts) and the package each one lives in.
 * They are separate packages so a run that does not use AWS never installs or loads the AWS SDK.
 */
export const BUILTIN_PROVIDERS: Readonly<Record<string, string>> = Object.freeze({
  env: '@buildsecrets/provider-env',
  keywhiz: '@buildsecrets/provider-keywhiz',
  vault: '@buildsecrets/provider-vault',
  aws: '@buildsecrets/provider-aws',
  gcp: '@buildsecrets/provider-gcp',
  exec: '@buildsecrets/provider-exec',
  sneaker: '@buildsecrets/provider-sneaker',
  ssm: '@buildsecrets/provider-ssm',
});

/** The package of a built-in short name, or undefined when `use` is not one. */
export function builtinPackage(use: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(BUILTIN_PROVIDERS, use) ? BUILTIN_PROVIDERS[use] : undefined;
}
