// The definitions alone (not the packages' exported zod schema constants): `plan` evaluates no zod.
import envProvider from '@buildsecrets/provider-env/definition';
import keywhizProvider from '@buildsecrets/provider-keywhiz/definition';

/**
 * The built-ins the CLI depends on, registered by their `use` names so they come from this CLI's
 * own module graph (one bundled file when run as `buildsecrets`) instead of being looked up on disk.
 */
export const CLI_PROVIDERS = { env: envProvider, keywhiz: keywhizProvider } as const;
