import type { FetchedSecretConfig, ResolveConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { ProviderCapabilities, SecretProvider } from '../provider/types.js';
import type { Redactor } from '../redaction/types.js';

/** A configured secret to resolve. */
export interface SecretEntry {
  /** The secret id. */
  readonly id: string;
  /** Its config entry (a fetched secret: templates are rendered after resolution). */
  readonly config: FetchedSecretConfig;
}

/** A live provider instance with what it declared it can do. */
export interface ProviderHandle {
  /** The instance name from the config. */
  readonly name: string;
  /** The live provider. */
  readonly provider: SecretProvider;
  /** Its capabilities (batching, versions, keys). */
  readonly capabilities: ProviderCapabilities;
}

/** Everything {@link resolveSecrets} needs. */
export interface ResolveInput {
  /** The secrets to resolve, in config order. */
  readonly entries: readonly SecretEntry[];
  /** Get (creating on first use) the provider instance named by `from`. */
  readonly provider: (name: string) => Promise<ProviderHandle>;
  /** Concurrency, timeouts, deadline and retries. */
  readonly settings: ResolveConfig;
  /** Each value is registered here the moment it arrives. */
  readonly redactor: Redactor;
  /** Redacting logger. */
  readonly logger: Logger;
  /** Cancels everything. */
  readonly signal?: AbortSignal;
  /** Filled with the provider's non-secret version id of each resolved secret that has one (for `cache: version`). */
  readonly versionIds?: Map<string, string>;
}
