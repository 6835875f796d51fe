import { withWarningsAsDebug, type Logger } from '@buildsecrets/core';

/** The AWS SDK's notice that a future release will drop this Node.js major. */
const SDK_NODE_WARNING = /NodeVersionSupportWarning|The AWS SDK for JavaScript \(v3\)/;

/**
 * Run `make` (which constructs an AWS SDK client) while the SDK's Node-version support notice is
 * diverted from stderr to `logger.debug` (see core's `withWarningsAsDebug`). The SDK emits it at
 * most once per process. Goes when the floor moves to Node 22 (README, Node support).
 */
export function withSdkNodeWarningAsDebug<T>(logger: Logger, make: () => T): T {
  return withWarningsAsDebug(logger, SDK_NODE_WARNING, 'AWS SDK notice (not an error)', make);
}
