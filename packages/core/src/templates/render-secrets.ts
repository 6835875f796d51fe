import { InvalidSecretError } from '../errors/index.js';
import type { Redactor } from '../redaction/types.js';
import type { SecretValue } from '../secret-value.js';
import type { CompiledTemplates } from './load-templates.js';
import { renderTemplate } from './render-template.js';

/**
 * Render the wanted templates into `values`, each after the templates it embeds (the config
 * loader refused cycles). A rendered value is registered with the redactor under its own id, so
 * it is redacted and audited as a whole; each embedded value already is, under its own id.
 */
export function renderSecrets(input: {
  readonly templates: CompiledTemplates;
  readonly wanted: ReadonlySet<string>;
  readonly values: Map<string, SecretValue>;
  readonly redactor: Redactor;
  readonly allowEmpty: (id: string) => boolean;
}): void {
  const { templates, values } = input;
  const render = (id: string): void => {
    if (values.has(id)) return;
    const template = templates.get(id);
    if (!template) return;
    for (const ref of template.references) render(ref);
    const value = renderTemplate(template.parts, values, id);
    if (value.isEmpty && !input.allowEmpty(id)) {
      value.wipe();
      throw new InvalidSecretError(`rendered secret "${id}" is empty`, { secretId: id, hint: 'check the template, or set `allowEmpty: true`' });
    }
    input.redactor.add(id, value);
    values.set(id, value);
  };
  for (const id of input.wanted) render(id);
}
