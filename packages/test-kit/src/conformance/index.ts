export { runProviderConformance } from './run-provider-conformance.js';
export type { ConformanceOptions, ConformanceSeed, ConformanceIt, ConformanceExpect, SeededSecret } from './types.js';
export { createTestContext, type TestProviderContext } from './test-context.js';
