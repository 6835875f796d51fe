import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../secret-value.js';
import { parseTemplate } from './parse-template.js';
import { renderTemplate } from './render-template.js';

const render = (template: string, values: Record<string, string | Uint8Array>): Buffer => {
  const { parts, problems } = parseTemplate(template);
  expect(problems).toEqual([]);
  const map = new Map(Object.entries(values).map(([k, v]) => [k, SecretValue.from(v)]));
  return renderTemplate(parts, map, 'out').reveal();
};

/** Values users store: anything, with the characters that break naive renderers made common. */
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.array(fc.constantFrom('{{', '}}', '{{ secret "b" }}', '"', "'", '\n', '\r\n', '\\', '$', '${X}', '|', ' base64', '\u0000', 'é'), { maxLength: 12 }).map((a) => a.join('')),
);

describe('rendering: values are embedded literally and never interpreted', () => {
  it('any value (newlines, quotes, {{, a placeholder of its own) comes out byte for byte', () => {
    fc.assert(
      // The surrounding text has no {{ and does not end in { (that would write {{{ around the placeholder).
      fc.property(nasty, nasty, fc.string().filter((t) => !t.includes('{{') && !t.endsWith('{')), (a, b, text) => {
        const out = render(`${text}{{ secret "a" }}|{{secret "b"}}${text}`, { a, b });
        expect(out.equals(Buffer.from(`${text}${a}|${b}${text}`, 'utf8'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes pass through unchanged, and | base64 decodes back to them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(render('{{ secret "a" }}', { a: bytes }).equals(Buffer.from(bytes))).toBe(true);
        expect(Buffer.from(render('{{ secret "a" | base64 }}', { a: bytes }).toString('ascii'), 'base64').equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('| json is a JSON string that parses back to the value, whatever it holds', () => {
    fc.assert(
      fc.property(nasty, (a) => {
        const doc = render('{"password": {{ secret "a" | json }}}', { a }).toString('utf8');
        expect((JSON.parse(doc) as { password: string }).password).toBe(a);
      }),
      { numRuns: 500 },
    );
  });

  it('filters chain left to right', () => {
    expect(render('{{ secret "a" | base64 | json }}', { a: 'x:y' }).toString()).toBe(JSON.stringify(Buffer.from('x:y').toString('base64')));
  });

  it('text without placeholders is kept as written, including a lone }} and {{ "{{" }} for a literal {{', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((t) => !t.includes('{{')), (text) => {
        expect(render(text, {}).toString('utf8')).toBe(text);
      }),
    );
    expect(render('a }} b {{ "{{" }} c', {}).toString()).toBe('a }} b {{ c');
  });
});
