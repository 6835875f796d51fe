import type { OptionSpecs } from './args.js';

/** A command and the flags it takes, for completion scripts. */
export interface CompletionCommand {
  readonly name: string;
  readonly summary: string;
  readonly options: OptionSpecs;
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** Shells `buildsecrets completion` writes scripts for. */
export type CompletionShell = (typeof SHELLS)[number];

/** Whether `name` is a shell we write completion for. */
export function isCompletionShell(name: string): name is CompletionShell {
  return (SHELLS as readonly string[]).includes(name);
}

function flags(specs: OptionSpecs): string[] {
  return Object.entries(specs).flatMap(([name, s]) => [`--${name}`, ...(s.short ? [`-${s.short}`] : [])]);
}

/** Single-quote for sh/zsh/fish: a summary may contain `'`, `$` or backquotes. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(commands: readonly CompletionCommand[], global: OptionSpecs): string {
  const cases = commands.map((c) => `    ${c.name}) opts=${quote([...flags(c.options), ...flags(global)].join(' '))} ;;`);
  return [
    '# buildsecrets completion for bash: eval "$(buildsecrets completion bash)" in ~/.bashrc',
    '_buildsecrets() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} cmd="" i opts',
    '  for ((i = 1; i < COMP_CWORD; i++)); do case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac; done',
    `  if [ -z "$cmd" ]; then COMPREPLY=($(compgen -W ${quote([...commands.map((c) => c.name), ...flags(global), '--version'].join(' '))} -- "$cur")); return; fi`,
    '  case $cmd in',
    ...cases,
    '    *) opts="" ;;',
    '  esac',
    '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi',
    '}',
    'complete -F _buildsecrets buildsecrets',
    '',
  ].join('\n');
}

function zsh(commands: readonly CompletionCommand[], global: OptionSpecs): string {
  return [
    '#compdef buildsecrets',
    '# buildsecrets completion for zsh: buildsecrets completion zsh > "${fpath[1]}/_buildsecrets"',
    '_buildsecrets() {',
    '  local -a commands',
    `  commands=(${commands.map((c) => quote(`${c.name}:${c.summary.replace(/:/g, '\\:')}`)).join(' ')})`,
    '  if (( CURRENT == 2 )); then _describe command commands; return; fi',
    '  case ${words[2]} in',
    ...commands.map((c) => `    ${c.name}) _arguments ${[...flags(c.options), ...flags(global)].map((f) => quote(`${f}[]`)).join(' ')} '*:file:_files' ;;`),
    '  esac',
    '}',
    'compdef _buildsecrets buildsecrets',
    '',
  ].join('\n');
}

function fish(commands: readonly CompletionCommand[], global: OptionSpecs): string {
  const names = commands.map((c) => c.name).join(' ');
  const option = (name: string, s: OptionSpecs[string], condition: string): string =>
    `complete -c buildsecrets -n ${quote(condition)} -l ${name}${s.short ? ` -s ${s.short}` : ''}${s.type === 'boolean' ? '' : ' -r'} -d ${quote(s.description)}`;
  return [
    '# buildsecrets completion for fish: buildsecrets completion fish > ~/.config/fish/completions/buildsecrets.fish',
    'complete -c buildsecrets -f',
    ...commands.map((c) => `complete -c buildsecrets -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${quote(c.summary)}`),
    ...Object.entries(global).map(([name, s]) => option(name, s, 'true')),
    ...commands.flatMap((c) => Object.entries(c.options).map(([name, s]) => option(name, s, `__fish_seen_subcommand_from ${c.name}`))),
    '',
  ].join('\n');
}

/** The completion script for `shell`. */
export function completionScript(shell: CompletionShell, commands: readonly CompletionCommand[], global: OptionSpecs): string {
  if (shell === 'bash') return bash(commands, global);
  if (shell === 'zsh') return zsh(commands, global);
  return fish(commands, global);
}
