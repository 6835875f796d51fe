/**
 * The few types every buildsecrets package shares: the typed error family with stable `code`s and
 * `SecretValue`. Both use `Symbol.for` brands, so `instanceof` holds across copies of this package
 * (a plugin that bundles its own, two versions side by side). `@buildsecrets/core` re-exports all of it;
 * depend on this package directly only from a package that must not depend on core (the audit).
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export { SecretValue } from './secret-value.js';
export { stripUserinfo } from './strip-userinfo.js';
