/**
 * Shared by the differential tests of the mapper: field programs and items covering jq's corners, the reference
 * evaluation (each field alone through jq-wasm: `first(FIELD)` on the item, no output → null, any error → null,
 * §3.2, §3.3), and the check that a mapped batch agrees with it field by field.
 */
import { loadJq } from 'jq-wasm';
import type { Jq } from 'jq-wasm';
import { expect } from 'vitest';
import type { MapBatchResult, ResourceConfig } from './index.ts';
import { normaliseQuotes, parsePortAppConfig } from './index.ts';

export const FIELDS: string[] = [
  '.id',
  '.name',
  '"svc-\\(.id)"',
  "@text \"id=\\(.id) name=\\(.name)\"",
  ".org + '/' + .repo",
  "'literal'",
  '\'"svc"\'',
  '"it\'s"',
  '.name // "unknown"',
  '.missing // .name // empty',
  '.tags[] | select(. == "y")',
  '.tags | map(ascii_upcase)',
  '.url | test("github")',
  '.name | test("^al"; "i")',
  '.url | split("/") | .[-1]',
  '.meta | to_entries | map(.key)',
  'if .count > 0 then "many" elif .count == 0 then "none" else "unknown" end',
  'try .tags.foo catch "caught"',
  'try error({"code": 1}) catch .code',
  'first(.tags[])',
  '.name as $n | $n | ascii_downcase',
  '. as {name: $n} | $n',
  '.tags as [$first] | $first',
  'reduce .nums[] as $x (0; . + $x)',
  '[limit(2; .nums[])]',
  'limit(0; .tags[])',
  '.tags[]',
  '.[]',
  'empty',
  'error("x")',
  'error({"code": 1})',
  'error(null)',
  '.id + 1',
  '.tags | join(",")',
  '.tags | first',
  "test('^a')",
  '.a | (',
  '$__tide_env',
  'undefined_function(1)',
  'false',
  '0',
  '[]',
  '""',
  '{}',
  'null',
  '.flag',
  '.count',
  '.list',
  '.empty',
  '.nested.deep.v',
  '.date | fromdateiso8601',
  '(.tags[], error("after"))',
  '(error("before"), .tags[])',
  '[.nums[]? | select(. > 1)] | sort',
  '.nums | max',
  '.meta | keys',
  '.name | ascii_downcase | gsub("a"; "4")',
  '.tags | length > 1',
  'label $out | .nums[] | if . > 1 then ., break $out else empty end',
  '.id | tostring | @base64',
  '.nonexistent.deeper',
  'input',
  'def twice: . * 2; .count | twice',
  '.count as $c | [range($c // 0)]',
  '[.tags[]?]',
  '.meta.a?',
  '(.count | tostring) + "x"',
  '.tags | index("y")',
  '.url | capture("github.com/(?<o>[^/]+)") | .o',
  '.url | sub("https://"; "")',
  'getpath(["nested", "deep", "v"])',
  '.nums | add',
  '[paths] | length',
  'with_entries(select(.value != null)) | keys',
  '.tags | any(. == "x")',
  '.count | if . == 0 then empty else . end',
  'tojson | length',
  '.nums | sort_by(-.) | group_by(. % 2)',
  '.id | numbers',
  '.tags | .[1:]',
  '.name # a trailing comment',
  'env.HOME',
  '$ENV | keys',
  'env | length',
  '.name | ltrimstr("al") | rtrimstr("a")',
  '[.nums[]?] | unique | length',
  '.tags | tostream | select(length == 2) | .[1]',
  '.missing | not',
  '.tags[0]',
  '.["name"]',
  '.meta.a.b',
  '.nums[-1]',
  '-1.5',
  'true',
];

export const ITEMS: unknown[] = [
  {
    id: 1,
    name: 'alpha',
    org: 'acme',
    repo: 'web',
    tags: ['x', 'y'],
    meta: { a: 1, b: null },
    flag: false,
    count: 0,
    list: [],
    empty: '',
    nested: { deep: { v: 'd' } },
    url: 'https://github.com/acme/web',
    date: '2024-01-02T03:04:05Z',
    nums: [3, 1, 2],
  },
  { id: 'b-2', name: null, tags: 'notarray', meta: [], count: 5, nums: [], date: 'not a date' },
  {},
  { id: 3.5, name: 'Ünïcode ☃', tags: [], nested: { deep: null }, nums: [10], count: -1, url: 'http://example.com' },
  { id: [1, 2], name: 'ALPHA', tags: ['y', 'x', 'z'], meta: { z: { y: [1, { x: 2 }] } }, nums: [1.5, 2.5, 2.5], count: 2 },
];

export const SEARCH = {
  combinator: "'and'",
  rules: [
    { property: '"$identifier"', operator: '"="', value: '.org // empty' },
    { combinator: '"or"', rules: [{ property: '"tags"', operator: '"in"', value: ['.tags', '.tags[0]', 'error("s")'] }] },
  ],
};

export const ENV = { HOME: '/home/tide', REGION: 'eu' };

let jq: Jq | undefined;

/** Loads the reference jq-wasm instance (once). */
export async function loadReference(): Promise<Jq> {
  return (jq ??= await loadJq());
}

export type Reference = { value: unknown; failure?: 'no-output' | 'compile-error' | 'runtime-error' };

/** The field alone, through jq-wasm directly: `first(FIELD)`, none → null, error → null. */
export function alone(program: string, item: unknown, env: Record<string, string> | undefined): Reference {
  const envJson = JSON.stringify(env ?? {});
  const prelude = `def env: ${envJson}; ${envJson} as $ENV | `;
  const text = normaliseQuotes(program);
  try {
    const out = jq!.json(JSON.stringify(item), `${prelude}first(${text}\n)`);
    return out.length === 0 ? { value: null, failure: 'no-output' } : { value: out[0] };
  } catch (error) {
    // A field that does not compile on its own must not compile inside the prelude either.
    const compiles = jq!.raw('', text).exitCode === 0;
    return { value: null, failure: compiles ? 'runtime-error' : 'compile-error' };
  }
}

export function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${path}.${i}`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, `${path}.${k}`, out);
  else out.set(path, value);
}

/** One resource mapping every field of {@link FIELDS} (as `properties.p<i>`) and the {@link SEARCH} relation. */
export function differentialResource(): ResourceConfig {
  const properties = Object.fromEntries(FIELDS.map((f, i) => [`p${i}`, f]));
  const config = parsePortAppConfig({
    resources: [
      {
        kind: 'k',
        selector: { query: 'true' },
        port: { entity: { mappings: { identifier: '"fixed"', blueprint: '"b"', properties, relations: { search: SEARCH } } } },
      },
    ],
  });
  return config.resources[0]!;
}

/** Every field of every entity equals the field alone, and every failed field is reported once for the batch. */
export function expectAgreesWithAlone(result: MapBatchResult, allowEnv: boolean): void {
  expect(result.entities).toHaveLength(ITEMS.length);
  const searchLeaves = new Map<string, unknown>();
  flatten(SEARCH, 'relations.search', searchLeaves);
  const failures = new Map<string, { reason: string; count: number }>();
  ITEMS.forEach((item, itemIndex) => {
    const env = allowEnv ? ENV : undefined;
    const { properties: got, relations } = result.entities[itemIndex]!.entity;
    FIELDS.forEach((field, i) => {
      const ref = alone(field, item, env);
      expect({ field, itemIndex, value: got![`p${i}`] }).toEqual({ field, itemIndex, value: ref.value });
      if (ref.failure) {
        const known = failures.get(`properties.p${i}`);
        if (known) known.count += 1;
        else failures.set(`properties.p${i}`, { reason: ref.failure, count: 1 });
      }
    });
    for (const [path, program] of searchLeaves) {
      const ref = alone(program as string, item, env);
      const value = path
        .split('.')
        .slice(2)
        .reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], relations!.search);
      expect({ path, itemIndex, value }).toEqual({ path, itemIndex, value: ref.value });
      if (ref.failure) {
        const known = failures.get(path);
        if (known) known.count += 1;
        else failures.set(path, { reason: ref.failure, count: 1 });
      }
    }
  });
  // Every failed field is reported once for the batch, with the reason of its first failing item.
  const reported = new Map(result.fieldErrors.map((f) => [f.path, { reason: f.reason, count: f.count }]));
  expect(reported).toEqual(failures);
}
