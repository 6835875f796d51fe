import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { didYouMean } from '../config/did-you-mean.js';
import { formatPath } from '../config/issue-path.js';
import type { BuildSecretsConfig } from '../config/schema.js';
import { ConfigError, type ConfigIssue } from '../errors/index.js';
import { parseTemplate, templateReferences, type TemplatePart } from './parse-template.js';

/** A rendered secret's template, parsed and checked when the config is loaded. */
export interface CompiledTemplate {
  /** The secret id the template renders. */
  readonly id: string;
  /** Parsed text and placeholders. */
  readonly parts: readonly TemplatePart[];
  /** Ids of the secrets it embeds, in order of first use. */
  readonly references: readonly string[];
}

/** Templates by the id they render. */
export type CompiledTemplates = ReadonlyMap<string, CompiledTemplate>;

/** A template file bigger than this is a mistake, not a credential file. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

async function readTemplateFile(path: string): Promise<string | string[]> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return ['is not a regular file'];
    if (info.size > MAX_TEMPLATE_BYTES) return [`is larger than ${MAX_TEMPLATE_BYTES} bytes`];
    return await readFile(path, 'utf8');
  } catch {
    return ['cannot be read (check the path; it is relative to the config file)'];
  }
}

/** Every cycle's ids, each reported once from the first id on it. */
function findCycles(templates: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (path.includes(id)) {
      cycles.push([...path.slice(path.indexOf(id)), id]);
      return;
    }
    if (done.has(id)) return;
    for (const ref of templates.get(id) ?? []) visit(ref, [...path, id]);
    done.add(id);
  };
  for (const id of templates.keys()) visit(id, []);
  return cycles;
}

/**
 * Read (`templateFile`, relative to the config's directory) and parse every template, and check
 * what can be checked before anything is fetched: the grammar, references to secrets that do not
 * exist, and cycles. Problems are one {@link ConfigError} (exit 2) with the template's line; the
 * template text itself is never quoted (it may hold literal credentials).
 */
export async function loadTemplates(config: BuildSecretsConfig, baseDir: string, file?: string): Promise<CompiledTemplates> {
  const issues: ConfigIssue[] = [];
  const compiled = new Map<string, CompiledTemplate>();
  const ids = Object.keys(config.secrets);
  for (const [id, secret] of Object.entries(config.secrets)) {
    const field = secret.template !== undefined ? 'template' : secret.templateFile !== undefined ? 'templateFile' : undefined;
    if (!field) continue;
    const path = formatPath(['secrets', id, field]);
    let text = secret.template;
    if (secret.templateFile !== undefined) {
      const read = await readTemplateFile(isAbsolute(secret.templateFile) ? secret.templateFile : join(baseDir, secret.templateFile));
      if (Array.isArray(read)) {
        issues.push({ path, message: `the template file ${read[0]}` });
        continue;
      }
      text = read;
    }
    const { parts, problems } = parseTemplate(text ?? '');
    for (const p of problems) issues.push({ path, message: `line ${p.line}: ${p.message}` });
    for (const part of parts) {
      if (part.kind !== 'secret') continue;
      if (part.id === id) issues.push({ path, message: `line ${part.line}: the template embeds its own secret "${id}"` });
      else if (!config.secrets[part.id]) issues.push({ path, message: `line ${part.line}: secret "${part.id}" is not defined under \`secrets\`${didYouMean(part.id, ids)}` });
    }
    compiled.set(id, { id, parts, references: templateReferences(parts) });
  }
  const graph = new Map([...compiled].map(([id, t]) => [id, t.references.filter((r) => r !== id)]));
  for (const cycle of findCycles(graph)) {
    const first = compiled.get(cycle[0]!)!;
    const line = first.parts.find((p) => p.kind === 'secret' && p.id === cycle[1]);
    const field = config.secrets[cycle[0]!]?.templateFile !== undefined ? 'templateFile' : 'template';
    issues.push({ path: formatPath(['secrets', cycle[0]!, field]), message: `${line && line.kind === 'secret' ? `line ${line.line}: ` : ''}templates form a cycle: ${cycle.join(' → ')}` });
  }
  if (issues.length > 0) throw new ConfigError(issues, { ...(file !== undefined ? { file } : {}), hint: 'placeholders are {{ secret "<id>" }} with optional | base64 or | json' });
  return compiled;
}

/** The secret ids each template embeds (for target scoping and resolution order). */
export function templateReferenceMap(templates: CompiledTemplates): ReadonlyMap<string, readonly string[]> {
  return new Map([...templates].map(([id, t]) => [id, t.references]));
}
