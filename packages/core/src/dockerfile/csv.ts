/** Why a CSV record could not be read. */
export interface CsvError {
  /** What is wrong. */
  readonly error: string;
}

/**
 * Read one comma-separated record the way Go's `encoding/csv` does with its defaults (which is
 * what BuildKit and the docker CLI use for `--mount` and `--secret`): a field that starts with a
 * double quote is quoted (`""` is a literal quote, commas inside are kept), a quote inside an
 * unquoted field is an error, leading spaces are kept.
 */
export function parseCsvRecord(text: string): string[] | CsvError {
  if (text.length === 0) return { error: 'empty value' };
  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    if (text[pos] === '"') {
      let value = '';
      pos++;
      for (;;) {
        const close = text.indexOf('"', pos);
        if (close < 0) return { error: 'extraneous or missing " in quoted field' };
        value += text.slice(pos, close);
        pos = close + 1;
        if (text[pos] === '"') {
          value += '"';
          pos++;
          continue;
        }
        break;
      }
      fields.push(value);
      if (pos === text.length) return fields;
      if (text[pos] !== ',') return { error: 'extraneous or missing " in quoted field' };
      pos++;
      continue;
    }
    const comma = text.indexOf(',', pos);
    const field = comma < 0 ? text.slice(pos) : text.slice(pos, comma);
    if (field.includes('"')) return { error: 'bare " in non-quoted field' };
    fields.push(field);
    if (comma < 0) return fields;
    pos = comma + 1;
  }
}

/** Quote one field for a CSV record when it needs it (comma, quote, newline or leading space). */
export function quoteCsvField(field: string): string {
  return /[",\r\n]|^\s/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
