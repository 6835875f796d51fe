// Loader hooks for record-modules.mjs (they run on Node's loader thread).
import { appendFileSync } from 'node:fs';

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(logFile, `esm:${resolved.url}\n`);
  return resolved;
}
