import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The root directory of the installed `@buildsecrets/core` package (where `package.json` and
 * `assets/` live). Found by resolving the package by name rather than relative to this module:
 * bundled into the CLI, this module's URL is the bundle's, not core's. The relative path is the
 * fallback when the name does not resolve (core used from a copied folder, not a package).
 */
export function corePackageDir(): string {
  cached ??= locate();
  return cached;
}

function locate(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('@buildsecrets/core/package.json'));
  } catch {
    // src/util/ and dist/util/ are both two levels below the package root.
    return fileURLToPath(new URL('../../', import.meta.url));
  }
}
