import strict from 'node:assert/strict';

let made = 0;

/** How many checks the conformance cases have made in this process (each call of {@link assert} or one of its methods). */
export function checksMade(): number {
  return made;
}

/**
 * `node:assert/strict`, counting every check it makes. The suite stays runner-agnostic (it throws
 * `AssertionError`s), yet each case can tell the runner's `expect` that it checked something — so
 * a runner that fails tests without assertions (vitest's `expect.requireAssertions`) accepts the
 * cases, and a case that checked nothing fails.
 */
export const assert: typeof strict = new Proxy(strict, {
  apply(target, self, args: unknown[]) {
    made++;
    return Reflect.apply(target, self, args) as unknown;
  },
  get(target, property, receiver) {
    const value = Reflect.get(target, property, receiver) as unknown;
    if (typeof value !== 'function' || property === 'AssertionError' || property === 'CallTracker') return value;
    return (...args: unknown[]) => {
      made++;
      return Reflect.apply(value, target, args) as unknown;
    };
  },
});
