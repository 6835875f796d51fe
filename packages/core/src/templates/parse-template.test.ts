import { describe, expect, it } from 'vitest';
import { parseTemplate, templateReferences } from './parse-template.js';

const problems = (text: string): string[] => parseTemplate(text).problems.map((p) => `${p.line}: ${p.message}`);

describe('parseTemplate: a closed grammar, every problem with its line', () => {
  it('reads secret placeholders with filters and lists the references once each', () => {
    const { parts } = parseTemplate('a={{ secret "x" }}\nb={{secret "y" | base64 | json}}\nc={{ secret "x" }}');
    expect(parts.filter((p) => p.kind === 'secret')).toEqual([
      { kind: 'secret', id: 'x', filters: [], line: 1 },
      { kind: 'secret', id: 'y', filters: ['base64', 'json'], line: 2 },
      { kind: 'secret', id: 'x', filters: [], line: 3 },
    ]);
    expect(templateReferences(parts)).toEqual(['x', 'y']);
  });

  it('refuses placeholders that would print provider metadata', () => {
    expect(problems('ok\n{{ .Version }}')).toEqual([expect.stringMatching(/^2: placeholder "\.Version" would print provider metadata/)]);
    expect(problems('{{ version "npm" }}')[0]).toMatch(/provider metadata/);
    expect(problems('{{ secret "npm" | version }}')[0]).toMatch(/^1: filter "version" would print provider metadata/);
    expect(problems('{{ metadata "npm" }}')[0]).toMatch(/provider metadata/);
  });

  it('refuses anything else: unknown placeholders and filters, a bare id, an unclosed {{', () => {
    expect(problems('{{ env "HOME" }}')[0]).toMatch(/provider metadata|unknown placeholder/);
    expect(problems('{{ upper "x" }}')[0]).toMatch(/^1: unknown placeholder "upper"/);
    expect(problems('{{ secret "x" | upper }}')[0]).toMatch(/unknown filter "upper"/);
    expect(problems('{{ secret npm }}')[0]).toMatch(/double-quoted/);
    expect(problems('x\ny\n{{ secret "a"\n}}')[0]).toMatch(/^3: .*not closed/);
  });

  it('never quotes the template text around a problem (it may hold literal credentials)', () => {
    const literal = 'AKIA-LITERAL-IN-TEMPLATE';
    expect(problems(`${literal} {{ nope }}`).join()).not.toContain(literal);
  });
});
