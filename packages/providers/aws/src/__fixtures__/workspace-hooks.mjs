// Module hooks for child-process tests: map @buildsecrets/* to workspace sources (tsx compiles
// them) and record every resolved URL of a cloud SDK in the file named by `data.logFile`.
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

let state;
export function initialize(data) {
  state = data;
}

const SDK = /\/node_modules\/(@aws-sdk|@smithy|@google-cloud|google-gax|@grpc)\//;

export async function resolve(specifier, context, nextResolve) {
  const m = /^@buildsecrets\/(core|test-kit|provider-([a-z-]+))$/.exec(specifier);
  if (m) {
    const dir = m[1] === 'core' ? 'packages/core' : m[1] === 'test-kit' ? 'packages/test-kit' : `packages/providers/${m[2]}`;
    return nextResolve(pathToFileURL(join(state.root, dir, 'src/index.ts')).href, context);
  }
  const resolved = await nextResolve(specifier, context);
  if (SDK.test(resolved.url)) appendFileSync(state.logFile, `${resolved.url}\n`);
  return resolved;
}
