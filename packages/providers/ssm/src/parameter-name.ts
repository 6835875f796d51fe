/** A parameter name, an ARN, or either with a `:version` / `:label` selector. */
const NAME = /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/?)?[\w.\-/]{1,2048}$/;
const SELECTOR = /^(\d{1,10}|[a-zA-Z][\w.-]{0,99})$/;

/**
 * The name sent to GetParameters for a request: `ref`, with `version` appended as SSM's selector
 * (`name:3` for a version number, `name:prod` for a label). A `ref` may carry the selector itself.
 * Returns `undefined` when the two cannot form a valid name.
 */
export function requestedName(ref: string, version: string | undefined): string | undefined {
  const arn = /^arn:[^/]*\//.exec(ref)?.[0] ?? '';
  const rest = ref.slice(arn.length);
  const at = rest.lastIndexOf(':');
  const [name, ownSelector] = at === -1 ? [ref, undefined] : [arn + rest.slice(0, at), rest.slice(at + 1)];
  if (!NAME.test(name)) return undefined;
  if (ownSelector !== undefined && version !== undefined) return undefined;
  const selector = ownSelector ?? version;
  if (selector === undefined) return name;
  return SELECTOR.test(selector) ? `${name}:${selector}` : undefined;
}
