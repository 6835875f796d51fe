import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { AuthenticationError } from '@buildsecrets/core';
import { ADC_HINT } from './map-error.js';

/**
 * Fail early, with a typed error, when the key file the client would read is missing or unreadable.
 * Handing such a path to the client library makes it reject internal promises nobody awaits (an
 * unhandled rejection can end the process), so the check must happen before the client exists.
 * The path itself is not quoted: provider options stay out of messages.
 */
export async function checkKeyFile(path: string | undefined, source: 'keyFilename' | 'GOOGLE_APPLICATION_CREDENTIALS', provider: string): Promise<void> {
  if (path === undefined || path === '') return;
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    throw new AuthenticationError(`the key file named by ${source === 'keyFilename' ? 'the `keyFilename` option' : 'GOOGLE_APPLICATION_CREDENTIALS'} cannot be read`, {
      provider,
      cause: err,
      hint: `fix the path or its permissions; or ${ADC_HINT}`,
    });
  }
}
