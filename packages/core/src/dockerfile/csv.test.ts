import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvRecord, quoteCsvField } from './csv.js';

describe('parseCsvRecord (Go encoding/csv rules)', () => {
  it('splits on commas and keeps leading spaces and empty fields', () => {
    expect(parseCsvRecord('a=1, b=2,,c')).toEqual(['a=1', ' b=2', '', 'c']);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    expect(parseCsvRecord('"id=a,b",x,"say ""hi"""')).toEqual(['id=a,b', 'x', 'say "hi"']);
  });

  it('rejects a bare quote, an unterminated quote, text after a closing quote, and empty input', () => {
    for (const bad of ['a"b', '"abc', '"a"b', '']) expect(parseCsvRecord(bad)).toHaveProperty('error');
  });

  it('reads back whatever quoteCsvField wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !s.includes('\r')), { minLength: 1, maxLength: 6 }), (fields) => {
        fc.pre(!(fields.length === 1 && fields[0] === ''));
        expect(parseCsvRecord(fields.map(quoteCsvField).join(','))).toEqual(fields);
      }),
    );
  });
});
