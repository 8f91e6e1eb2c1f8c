/**
 * JSON text with object keys sorted at every depth, so that equal values always give equal text.
 *
 * @example canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * An identifier in the form used for entity keys (§1): a string as is, a number as its decimal string, anything
 * else (a search-query object) as canonical JSON with sorted keys.
 */
export function normaliseIdentifier(identifier: unknown): string {
  if (typeof identifier === 'string') return identifier;
  if (typeof identifier === 'number') return String(identifier);
  return canonicalJson(identifier);
}

/**
 * The key of an entity, `(normalised identifier, blueprint)`, as one string usable in a `Map` or `Set`.
 *
 * @example entityKey({ identifier: 42, blueprint: 'service' }) === entityKey({ identifier: '42', blueprint: 'service' })
 */
export function entityKey(entity: { identifier: unknown; blueprint: unknown }): string {
  return JSON.stringify([normaliseIdentifier(entity.blueprint), normaliseIdentifier(entity.identifier)]);
}

// jq's ways of turning a value into text: `tostring`, `tojson`, `@text`, `@json` and string interpolation.
const STRINGIFIES = /\btostring\b|\btojson\b|@text\b|@json\b|\\\(/;

/**
 * Whether an identifier is the text of a missing value rather than a value (§3.6), and so dropped like `null`:
 * `"undefined"` always (jq never makes it; integration code stringifying a missing value does), and `"null"` when
 * the identifier program turns values into text, since that is jq's text for `null` (`.id | tostring` on an item
 * without `id`). A vendor's literal `"null"` read as is (`.id`) stays an identifier.
 *
 * @example isMissingValueText('null', '.id | tostring') // true
 */
export function isMissingValueText(identifier: unknown, program: string | undefined): boolean {
  if (identifier === 'undefined') return true;
  return identifier === 'null' && program !== undefined && STRINGIFIES.test(program);
}
