import envProvider from '@buildsecrets/provider-env';
import keywhizProvider from '@buildsecrets/provider-keywhiz';

/**
 * The built-ins the CLI depends on, registered by their `use` names so they come from this CLI's
 * own module graph (one bundled file when run as `buildsecrets`) instead of being looked up on disk.
 */
export const CLI_PROVIDERS = { env: envProvider, keywhiz: keywhizProvider } as const;
