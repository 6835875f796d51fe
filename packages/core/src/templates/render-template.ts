import { InvalidSecretError } from '../errors/index.js';
import { SecretValue } from '../secret-value.js';
import type { TemplateFilter, TemplatePart } from './parse-template.js';

function applyFilter(bytes: Buffer, filter: TemplateFilter, id: string): Buffer {
  if (filter === 'base64') return Buffer.from(bytes.toString('base64'), 'ascii');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new InvalidSecretError(`secret "${id}" is not valid UTF-8, so the json filter cannot quote it; use | base64`, { secretId: id });
  }
  return Buffer.from(JSON.stringify(text), 'utf8');
}

/**
 * Render a parsed template with the values it names. Values are copied in byte for byte (after
 * their filters) and never looked at again: a value holding `{{ secret "x" }}`, quotes or newlines
 * comes out exactly as it went in. Intermediate buffers are zeroed before returning.
 */
export function renderTemplate(parts: readonly TemplatePart[], values: ReadonlyMap<string, SecretValue>, templateId: string): SecretValue {
  const chunks: Buffer[] = [];
  try {
    for (const part of parts) {
      if (part.kind === 'text') {
        chunks.push(Buffer.from(part.text, 'utf8'));
        continue;
      }
      const value = values.get(part.id);
      if (!value) throw new InvalidSecretError(`template of "${templateId}" needs secret "${part.id}", which was not resolved`, { secretId: templateId });
      let bytes = value.reveal();
      for (const filter of part.filters) {
        const next = applyFilter(bytes, filter, part.id);
        bytes.fill(0);
        bytes = next;
      }
      chunks.push(bytes);
    }
    const joined = Buffer.concat(chunks);
    const result = SecretValue.from(joined);
    joined.fill(0);
    return result;
  } finally {
    for (const chunk of chunks) chunk.fill(0);
  }
}
