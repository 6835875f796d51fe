// The GitHub Action's entry point (bundled into action/index.mjs, which action.yml runs on node24).
import { runAction } from './run-action.js';

runAction({ env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    // runAction reports its own failures; anything reaching here is a bug, reported without detail.
    process.stdout.write('::error::buildsecrets: internal error in the action\n');
    process.exitCode = 1;
  },
);
