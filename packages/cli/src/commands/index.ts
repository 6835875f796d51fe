import type { CliCommand } from '../command.js';

/** A command's name, summary and how to load it. Loading is lazy so `--help` and `--version` import nothing heavy. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CliCommand>;
}

/** Every command, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'build', summary: 'build an image with every secret delivered safely, then audit it for leaks', load: async () => (await import('./build.js')).buildCommand },
  { name: 'plan', summary: 'show where each secret comes from and how it reaches the build (fetches nothing)', load: async () => (await import('./plan.js')).planCommand },
  { name: 'check', summary: 'fetch every secret and report ok/failed per id (never a value)', load: async () => (await import('./check.js')).checkCommand },
  { name: 'audit', summary: 'scan an image or a saved archive for secret values (raw and encoded)', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'schema', summary: 'print the JSON Schema of buildsecrets.yaml (for editor completion)', load: async () => (await import('./schema.js')).schemaCommand },
  { name: 'helper', summary: 'print the served-file helper script to COPY into an image', load: async () => (await import('./helper.js')).helperCommand },
  { name: 'init', summary: 'write a commented starter buildsecrets.yaml', load: async () => (await import('./init.js')).initCommand },
  { name: 'help', summary: 'show help for buildsecrets or for one command', load: async () => (await import('./help.js')).helpCommand },
  { name: 'version', summary: 'print the version', load: async () => (await import('./version.js')).versionCommand },
  { name: 'completion', summary: 'print a shell completion script (bash, zsh or fish)', load: async () => (await import('./completion.js')).completionCommand },
];
