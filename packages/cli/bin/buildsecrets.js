#!/usr/bin/env node
// The `buildsecrets` executable. Committed (and executable in git) so that npm links it at install
// time, before anything is built; it loads the build output. On runtimes that have it (Node 22.1+),
// Node's on-disk compile cache is turned on first, so later starts skip parsing and compiling.
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/bin.js');
