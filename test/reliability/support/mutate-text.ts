import fc from 'fast-check';

/** Pieces that are meaningful to YAML, JSON, interpolation and Dockerfiles: mutations insert these. */
export const SYNTAX_PIECES = [
  '${', '}', '${BS_FUZZ}', '${BS_FUZZ', '$${BS_FUZZ}', '${BS_FUZZ:-x}', '${1}', '${}', '$', '\\',
  ':', ': ', '- ', '\n', '\n  ', '\t', '"', "'", '[', ']', '{', '}', ',', '#', '&a', '*a', '!!str ', '!!binary ', '<<: ',
  '---\n', '...\n', '|', '>', '?', '%YAML 1.2\n', 'null', 'true', '0x1F', '1e400', '-.inf', '~', '\u0000', '\uFEFF', '\u2028', '😀',
  '--mount=', 'type=secret', ',id=', 'required=', '<<EOF\n', '\nEOF\n', '`', '--', '=',
];

/** One edit of a text. */
export type TextEdit =
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'replace'; readonly at: number; readonly length: number; readonly text: string };

const piece = fc.oneof(fc.constantFrom(...SYNTAX_PIECES), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));

/** Arbitrary edits; positions are fractions so they fit any text length. */
export const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: piece }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }), text: piece }),
);

/** Apply edits in order (each position taken modulo the current length). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % (out.length + 1);
    if (edit.kind === 'delete') out = out.slice(0, at) + out.slice(at + edit.length);
    else if (edit.kind === 'insert') out = out.slice(0, at) + edit.text + out.slice(at);
    else out = out.slice(0, at) + edit.text + out.slice(at + edit.length);
  }
  return out;
}
