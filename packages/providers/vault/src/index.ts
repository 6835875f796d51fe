/**
 * `@buildsecrets/provider-vault`: HashiCorp Vault for buildsecrets.
 *
 * @packageDocumentation
 */
import vaultProvider from './provider.js';

export default vaultProvider;
export { vaultProvider };
export { vaultOptionsSchema, vaultAuthSchema, DEFAULT_KUBERNETES_JWT_FILE, type VaultProviderOptions, type VaultProviderOptionsInput, type VaultAuthOptions } from './options.js';
