import { servedFileHelperScript, SERVED_FILE_HELPER_NAME } from '@buildsecrets/core';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `buildsecrets helper`: print the served-file fetch helper (a POSIX sh script) to COPY into images. */
export const helperCommand: CliCommand = {
  name: 'helper',
  summary: `print the served-file helper script (${SERVED_FILE_HELPER_NAME}) to COPY into an image`,
  usage: `helper > ${SERVED_FILE_HELPER_NAME}`,
  details: [
    'The helper is not secret. In the Dockerfile:',
    `  COPY ${SERVED_FILE_HELPER_NAME} /usr/local/bin/${SERVED_FILE_HELPER_NAME}`,
    '  ARG BUILDSECRETS_URL',
    '  ARG BUILDSECRETS_TOKEN',
    `  RUN ${SERVED_FILE_HELPER_NAME} npm_token -- sh -c 'NPM_TOKEN="$(cat "$BUILDSECRETS_FILE_NPM_TOKEN")" npm ci'`,
  ].join('\n'),
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    ctx.stdout.write(await servedFileHelperScript());
    return EXIT.ok;
  },
};
