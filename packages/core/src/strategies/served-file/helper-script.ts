import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { corePackageDir } from '../../util/core-package-dir.js';

/** The file name users COPY into their image. */
export const SERVED_FILE_HELPER_NAME = 'buildsecrets-fetch';

/**
 * Absolute path of the shipped POSIX sh helper (`assets/buildsecrets-fetch.sh` in
 * `@buildsecrets/core`), located through the package so it is also found when core is bundled
 * into the CLI.
 */
export function servedFileHelperPath(): string {
  return join(corePackageDir(), 'assets', 'buildsecrets-fetch.sh');
}

/**
 * The helper's text, for `buildsecrets helper > buildsecrets-fetch`. It holds no secret: it is
 * meant to be COPYed into the image, and a RUN step calls it as
 * `buildsecrets-fetch <id>... -- <command>` with the `BUILDSECRETS_URL` / `BUILDSECRETS_TOKEN`
 * build args in scope.
 */
export function servedFileHelperScript(): Promise<string> {
  return readFile(servedFileHelperPath(), 'utf8');
}
