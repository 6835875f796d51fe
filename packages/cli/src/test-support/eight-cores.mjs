// Preloaded with `node --import` by tests: `os.availableParallelism()` reports 8 cores, so the
// audit shares layers with worker threads as it does on a larger machine (on 2 cores the calling
// thread searches them all and no worker starts). Scanning workers inherit the preload.
import module from 'node:module';
import os from 'node:os';

os.availableParallelism = () => 8;
module.syncBuiltinESMExports();
