/**
 * Paths into response bodies and parent items. A path starting with `.` is a jq program run by Tide's jq
 * engine (the mapping's jq 1.8); any other path is a dotted path (`meta.next_cursor`, `data.0.id`) read
 * without jq. Plain jq field chains (`.meta.next_cursor`) take the dotted fast path too: same result, and
 * the wasm engine is only loaded when a path really needs jq.
 */
import { createJqWasmEngine, JqRunError } from 'port-tide';
import type { JqEngine } from 'port-tide';

const SIMPLE_JQ = /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

let engine: Promise<JqEngine> | undefined;
// One engine per process: loading the wasm is the expensive part, programs are cheap.
const jq = (): Promise<JqEngine> => (engine ??= createJqWasmEngine());

/** True when the path needs the jq engine (it starts with `.` and is more than a field chain). */
export function needsJq(path: string): boolean {
  const p = path.trim();
  return p.startsWith('.') && p !== '.' && !SIMPLE_JQ.test(p);
}

/** Read a dotted path; `''` and `.` are the value itself. */
export function dottedValue(value: unknown, path: string): unknown {
  const p = path.trim().replace(/^\./, '');
  if (p === '') return value;
  let current = value;
  for (const key of p.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every output of the path on `value`: the jq outputs, or the one dotted value (none when absent). */
export async function pathOutputs(value: unknown, path: string): Promise<unknown[]> {
  if (!needsJq(path)) {
    const v = dottedValue(value, path);
    return v === undefined ? [] : [v];
  }
  try {
    return await (await jq()).run(path.trim(), JSON.stringify(value ?? null));
  } catch (error) {
    if (error instanceof JqRunError) throw new Error(`jq ${error.stage} error in ${JSON.stringify(path)}: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

/** The first output of the path, or undefined. */
export async function pathValue(value: unknown, path: string): Promise<unknown> {
  return (await pathOutputs(value, path))[0];
}

/** jq's compile error for a path that needs jq, else undefined. */
export async function pathCompileError(path: string): Promise<string | undefined> {
  if (!needsJq(path)) return undefined;
  const error = await (await jq()).compileError(path.trim());
  return error?.split('\n')[0];
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The placeholders (`{user.id}` → `user.id`) in a template. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1].trim());
}

/**
 * Fill `{parent.field}` placeholders from a parent item. `encode` escapes each value (path segments);
 * a missing or non-scalar value is an error, since a request to `/users//todos` would be silently wrong.
 */
export function fillTemplate(template: string, parentKind: string, parent: unknown, encode: (s: string) => string): string {
  return template.replace(PLACEHOLDER, (_, raw: string) => {
    const name = raw.trim();
    const value = dottedValue(parent, name.slice(parentKind.length + 1));
    if (value === undefined || value === null || typeof value === 'object') {
      throw new Error(`placeholder {${name}}: the ${parentKind} item has ${value === undefined ? 'no such field' : `a ${value === null ? 'null' : 'non-scalar'} value there`}`);
    }
    return encode(String(value));
  });
}
