/**
 * Read a zod 4 schema's structure without depending on class identity: a plugin may bring its own
 * copy of zod, so `instanceof z.ZodObject` would fail for its options schema. `_zod.def` is the
 * structural description zod 4 exposes for tooling.
 */
type Def = Readonly<Record<string, unknown>> & { readonly type?: unknown };

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

function defOf(schema: unknown): Def | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const internals = (schema as { _zod?: { def?: unknown } })._zod;
  const def = internals?.def;
  return typeof def === 'object' && def !== null ? (def as Def) : undefined;
}

/** Strip wrappers (optional, default, pipe input, lazy) down to the schema that checks the shape. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(current);
    if (!def) return current;
    if (typeof def.type === 'string' && WRAPPERS.has(def.type)) current = def['innerType'];
    else if (def.type === 'pipe') current = def['in'];
    else if (def.type === 'lazy' && typeof def['getter'] === 'function') current = (def['getter'] as () => unknown)();
    else return current;
  }
  return current;
}

/** The schema that validates `segment` inside `schema`, if it can be told. */
export function childSchema(schema: unknown, segment: PropertyKey): unknown {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (!def) return undefined;
  switch (def.type) {
    case 'object': {
      const shape = def['shape'] as Record<string, unknown> | undefined;
      return shape && typeof segment === 'string' && Object.prototype.hasOwnProperty.call(shape, segment) ? shape[segment] : undefined;
    }
    case 'record':
      return def['valueType'];
    case 'array':
      return def['element'];
    case 'union': {
      const options = (def['options'] as unknown[] | undefined) ?? [];
      for (const option of options) {
        const child = childSchema(option, segment);
        if (child !== undefined) return child;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The schema at a path from the root, or undefined when the path leaves the known structure. */
export function schemaAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    current = childSchema(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/** The keys an object schema allows (every union member's, for unions of objects). */
export function allowedKeys(schema: unknown): string[] {
  const def = defOf(unwrap(schema));
  if (!def) return [];
  if (def.type === 'object') return Object.keys((def['shape'] as Record<string, unknown> | undefined) ?? {});
  if (def.type === 'union') return [...new Set(((def['options'] as unknown[] | undefined) ?? []).flatMap(allowedKeys))];
  return [];
}

/**
 * The forms of a union of objects, each as `{ key: literal, required, … }` (literal fields with
 * their value, then the keys that must be given); undefined when the schema is not such a union.
 */
export function unionForms(schema: unknown): string[] | undefined {
  const def = defOf(unwrap(schema));
  if (!def || def.type !== 'union') return undefined;
  const forms: string[] = [];
  for (const option of (def['options'] as unknown[] | undefined) ?? []) {
    const optionDef = defOf(unwrap(option));
    if (!optionDef || optionDef.type !== 'object') return undefined;
    const parts: string[] = [];
    for (const [key, field] of Object.entries((optionDef['shape'] as Record<string, unknown> | undefined) ?? {})) {
      const fieldDef = defOf(field);
      const inner = defOf(unwrap(field));
      if (inner?.type === 'literal') parts.push(`${key}: ${((inner['values'] as unknown[] | undefined) ?? []).map(String).join('|')}`);
      else if (fieldDef && !WRAPPERS.has(String(fieldDef.type))) parts.push(key);
    }
    forms.push(`{ ${parts.join(', ')} }`);
  }
  return forms;
}
