/**
 * What Tide's contract suites (StateStore, checkpoint store, seen set) share: how a case gets a fresh
 * implementation and disposes of it, and assertions. Framework-free, so one suite runs under vitest,
 * in workerd and under `deno test`; failures are plain `Error`s that say what was compared.
 */

/** How a suite registers its cases. */
export interface ContractOptions {
  /** Registers one test: vitest's `it`, `Deno.test`, node:test's `test`. */
  test: (name: string, fn: () => Promise<void>) => unknown;
  /** The implementation keeps its data across instances; the factory must then provide `reopen()`. */
  persistent?: boolean;
}

/** What a factory returns besides the implementation under test. */
export interface ContractSubject<T> {
  /**
   * A new instance over the same storage, as after a restart or in the next invocation (persistent
   * implementations only). The suite stops using the first instance before it calls this, unless the
   * case says otherwise.
   */
  reopen?: () => T | Promise<T>;
  /** Called after the test, passed or failed (close handles, remove temp folders). */
  dispose?: () => void | Promise<void>;
}

/**
 * The case registrar of one suite: each case gets a fresh subject from `factory`, which is disposed
 * of afterwards, passed or failed. Test names start with `name`.
 */
export function contractCases<S extends ContractSubject<unknown>>(
  name: string,
  factory: () => S | Promise<S>,
  options: ContractOptions,
): (title: string, body: (subject: S) => Promise<void>) => void {
  return (title, body) =>
    void options.test(`${name}: ${title}`, async () => {
      const subject = await factory();
      try {
        await body(subject);
      } finally {
        await subject.dispose?.();
      }
    });
}

/** Fail with `what` unless `condition` holds. */
export function assertOk(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

/** Deep equality of JSON-like values (object key order ignored, `undefined` members counted). */
export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  if (!deepEqual(actual, expected)) {
    throw new Error(`${what}: expected ${preview(expected)}, got ${preview(actual)}`);
  }
}

export async function assertRejects(fn: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await fn();
  } catch {
    return;
  }
  throw new Error(`${what}: expected a rejection, but it resolved`);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return deepEqual(ka, kb) && ka.every((k) => deepEqual(ra[k], rb[k]));
}

export function preview(value: unknown): string {
  // Long strings are shortened one by one, so a list of long keys still shows where it differs.
  const text = value === undefined ? 'undefined' : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.length > 24 ? `${v.slice(0, 20)}…(${v.length})` : v));
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}
