export { startVaultTestServer, type VaultTestServer } from './server.js';
export { VaultKv1Store, VaultKv2Store, VaultDynamicStore, type VaultReply } from './kv-stores.js';
export type { VaultFaultHandle } from './faults.js';
export type { VaultAppRoleLogin, VaultKubernetesLogin, VaultJwtLogin, VaultUserpassLogin } from './auth-backends.js';
export type { VaultData, VaultNamespaceOption, VaultTokenPolicy, VaultTestServerOptions, VaultFault, VaultFaultScope, VaultRequestRecord } from './types.js';
