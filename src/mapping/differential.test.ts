import { loadJq } from 'jq-wasm';
import type { Jq } from 'jq-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JqEngine } from './index.ts';
import { createJqWasmEngine, createMapper, normaliseQuotes, parsePortAppConfig } from './index.ts';

/**
 * The batched evaluation must agree with evaluating each field alone through real jq: `first(FIELD)` on the item,
 * no output → null, any jq error → null (§3.2, §3.3).
 */
const FIELDS: string[] = [
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

const ITEMS: unknown[] = [
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

const SEARCH = {
  combinator: "'and'",
  rules: [
    { property: '"$identifier"', operator: '"="', value: '.org // empty' },
    { combinator: '"or"', rules: [{ property: '"tags"', operator: '"in"', value: ['.tags', '.tags[0]', 'error("s")'] }] },
  ],
};

const ENV = { HOME: '/home/tide', REGION: 'eu' };

let jq: Jq;
let engine: JqEngine;
beforeAll(async () => {
  jq = await loadJq();
  engine = await createJqWasmEngine();
});

type Reference = { value: unknown; failure?: 'no-output' | 'compile-error' | 'runtime-error' };

/** The field alone, through jq-wasm directly: `first(FIELD)`, none → null, error → null. */
function alone(program: string, item: unknown, env: Record<string, string> | undefined): Reference {
  const envJson = JSON.stringify(env ?? {});
  const prelude = `def env: ${envJson}; ${envJson} as $ENV | `;
  const text = normaliseQuotes(program);
  try {
    const out = jq.json(JSON.stringify(item), `${prelude}first(${text}\n)`);
    return out.length === 0 ? { value: null, failure: 'no-output' } : { value: out[0] };
  } catch (error) {
    // A field that does not compile on its own must not compile inside the prelude either.
    const compiles = jq.raw('', text).exitCode === 0;
    return { value: null, failure: compiles ? 'runtime-error' : 'compile-error' };
  }
}

function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${path}.${i}`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, `${path}.${k}`, out);
  else out.set(path, value);
}

describe('batched evaluation agrees with each field evaluated alone', () => {
  for (const allowEnv of [true, false]) {
    it(`over ${FIELDS.length} field programs and ${ITEMS.length} items (env access ${allowEnv ? 'on' : 'off'})`, async () => {
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
      let runs = 0;
      const counted: JqEngine = { ...engine, run: (p, i) => ((runs += 1), engine.run(p, i)) };
      const mapper = createMapper({ engine: counted, env: ENV, allowEnvironmentVariablesJqAccess: allowEnv });
      const result = await mapper.mapBatch(config.resources[0]!, ITEMS);
      expect(runs).toBe(1);
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
    });
  }

  it('the fast path and its per-item fallback agree with each field alone, in resync and parse-all modes', async () => {
    // Items 0 and 3 take the fast path (every field gives a first output); the others fall back: one field errors,
    // another has no output, a multi-output field keeps only its first, the selector fails or is not a boolean.
    const fields = ['.id', '.name // "anon"', '.tags[]', '.tags | map(ascii_upcase)', '.count + 1', '.meta.a', '"lit"', 'false', '[]'];
    const selector = 'if .count == 5 then "yes" elif .count == 2 then error("sel") elif .id == 3.5 then empty else .count < 3 end';
    const items: unknown[] = [
      { id: 1, name: 'a', tags: ['x', 'y'], count: 0, meta: { a: 1 } },
      { id: 2, name: 'b', tags: [], count: 1, meta: { a: 2 } },
      { id: 3, tags: ['z'], count: 'n', meta: { a: 3 } },
      { id: 4, name: null, tags: ['p'], count: -1, meta: null },
      { id: 5, tags: ['q'], count: 5 },
      { id: 6, tags: ['r'], count: 2 },
      { id: 3.5, tags: ['s'], count: 0 },
      { id: 7, tags: 'str', count: 9 },
      ...ITEMS,
    ];
    const properties = Object.fromEntries(fields.map((f, i) => [`p${i}`, f]));
    const config = parsePortAppConfig({
      resources: [{ kind: 'k', selector: { query: selector }, port: { entity: { mappings: { identifier: '"x"', blueprint: '"b"', properties } } } }],
    });
    for (const parseAll of [false, true]) {
      let fast = 0;
      let fallback = 0;
      const observing: JqEngine = {
        ...engine,
        run: async (p, i) => {
          const out = await engine.run(p, i);
          // Fast rows are `[selector, value…]` (fields included only when they were evaluated); fallbacks `{r: …}`.
          for (const row of out[0] as unknown[]) {
            if (!Array.isArray(row)) fallback += 1;
            else if (row.length > 1) fast += 1;
          }
          return out;
        },
      };
      const result = await createMapper({ engine: observing }).mapBatch(config.resources[0]!, items, { parseAll });
      const failures = new Map<string, { reason: string; count: number }>();
      let entity = 0;
      items.forEach((item, itemIndex) => {
        const sel = alone(selector, item, undefined);
        const selOk = !sel.failure && typeof sel.value === 'boolean';
        expect({ itemIndex, selectorError: result.selectorErrors.some((e) => e.itemIndex === itemIndex) }).toEqual({ itemIndex, selectorError: !selOk });
        if (!selOk || (!parseAll && sel.value !== true)) return;
        const got = result.entities[entity++]!;
        expect({ itemIndex, selectorPassed: got.selectorPassed }).toEqual({ itemIndex, selectorPassed: sel.value });
        fields.forEach((field, i) => {
          const ref = alone(field, item, undefined);
          expect({ field, itemIndex, value: got.entity.properties![`p${i}`] }).toEqual({ field, itemIndex, value: ref.value });
          if (ref.failure) {
            const known = failures.get(`properties.p${i}`);
            if (known) known.count += 1;
            else failures.set(`properties.p${i}`, { reason: ref.failure, count: 1 });
          }
        });
      });
      expect(result.entities).toHaveLength(entity);
      expect(new Map(result.fieldErrors.map((f) => [f.path, { reason: f.reason, count: f.count }]))).toEqual(failures);
      expect(fast).toBeGreaterThan(0);
      expect(fallback).toBeGreaterThan(0);
      expect(fast + fallback).toBeLessThanOrEqual(items.length);
    }
  });

  it('a field that ends the jq run (halt, halt_error) falls back and still agrees', async () => {
    const fields = ['.name', 'if .count == 5 then halt_error else .count end', 'if .id == 1 then halt else "kept" end', '.tags'];
    const properties = Object.fromEntries(fields.map((f, i) => [`p${i}`, f]));
    const config = parsePortAppConfig({
      resources: [{ kind: 'k', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '"x"', blueprint: '"b"', properties } } } }],
    });
    const result = await createMapper({ engine }).mapBatch(config.resources[0]!, ITEMS);
    ITEMS.forEach((item, itemIndex) => {
      fields.forEach((field, i) => {
        expect({ field, itemIndex, value: result.entities[itemIndex]!.entity.properties![`p${i}`] }).toEqual({
          field,
          itemIndex,
          value: alone(field, item, undefined).value,
        });
      });
    });
  });
});
