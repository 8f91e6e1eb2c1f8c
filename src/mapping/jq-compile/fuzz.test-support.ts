/**
 * Random jq programs over the compiled subset and random JSON inputs, for the differential tests against jq-wasm.
 * Everything is derived from one seed, so a failure names a seed, a program and an input that reproduce it.
 */
/**
 * Numbers in [0, 1) from splitmix32 over the seed: the same sequence for a seed on every runtime, with no
 * runtime API (src/ stays on web standards).
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

const NUMBERS = [0, 1, -1, 2, 3, 10, -7, 0.5, 1.5, -2.25, 0.1, 0.30000000000000004, 100, 1e15, 1e16, 1e17, 1e21, 1.5e300, 1e-7, 0.00001, 5e-324, 9007199254740993, 12345678901234567890, 4.35, 1 / 3, -0.5, 65, 97, 1704164645, -1];
const STRINGS = [
  '', 'a', 'abc', 'ABC', 'x,y,z', 'a b  c ', '  padded\t', 'Hello, World', 'ünïcödé', 'Straße', 'é', '😀 emoji', 'a😀b', '日本語',
  'tab\there', 'line\nbreak', 'ends in a newline\n', 'a\n', 'c\n\n', 'quote"in', 'back\\slash', 'ctrl\u0001\u001f\u007f', '\u2028sep\u2029', '\u0085nel', '\u00a0nbsp', '\ufeffbom',
  '٣٤ arabic digits', '42', '-3.5', '1e3', '007', 'nan', 'true', 'false', '2024-01-02T03:04:05Z', '1999-12-31T23:59:59Z', '2024-02-30T00:00:00Z',
  'https://github.com/acme/web', 'github', 'ab12cd34', 'aaa', 'foo-bar_baz', 'key with space', 'null', '[1,2]', '{"a":1}', 'a.b.c', '/path/to/file.txt',
];
const UNICODE = ['a', 'z', 'é', '\uff21', '\ufeff', '\ue000', 'ｶﾀｶﾅ', '😀', '𝒳', '🙂x', 'a😀', 'a\uffff', '日本', '\u00a0', 'Z', ''];
const KEYS = ['a', 'b', 'n', 's', 'arr', 'obj', 'tags', 'date', 'num_s', 'nested', 'mixed', 'key with space', '1', 'é', 'k', 'name', 'value'];

/** A random JSON value (as JSON text, so inputs are what JSON.parse gives). */
export function randomJson(r: Random, depth = 0): unknown {
  const choice = r();
  if (depth > 3 || choice < 0.45) {
    const s = r();
    if (s < 0.1) return null;
    if (s < 0.2) return r() < 0.5;
    if (s < 0.55) return pick(r, NUMBERS);
    return pick(r, STRINGS);
  }
  if (choice < 0.72) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) o[pick(r, KEYS)] = randomJson(r, depth + 1);
  return o;
}

/** An input item: an object with the keys programs read, and adversarial values. */
export function randomItem(r: Random): string {
  const fields: string[] = [];
  for (const k of KEYS) {
    if (r() < 0.2) continue;
    let v: unknown;
    switch (k) {
      case 'tags':
        v = Array.from({ length: Math.floor(r() * 4) }, () => pick(r, STRINGS.slice(0, 12)));
        break;
      case 'arr':
        v = Array.from({ length: Math.floor(r() * 5) }, () => (r() < 0.7 ? pick(r, NUMBERS.slice(0, 12)) : randomJson(r, 2)));
        break;
      case 'date':
        v = pick(r, ['2024-01-02T03:04:05Z', '1970-01-01T00:00:00Z', '2038-01-19T03:14:07Z', '2024-02-29T12:00:00Z', 'not a date', 1704164645, null]);
        break;
      case 'obj':
        v = Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [pick(r, KEYS), randomJson(r, 2)]));
        break;
      default:
        v = randomJson(r, 1);
    }
    fields.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  // Typed fields, so typed programs mostly produce values rather than type errors.
  const text = (): string => pick(r, STRINGS);
  const num = (): number => pick(r, NUMBERS);
  fields.push(`"str":${JSON.stringify(text())}`, `"num":${JSON.stringify(num())}`, `"flag":${r() < 0.5}`);
  fields.push(`"strs":${JSON.stringify(Array.from({ length: Math.floor(r() * 5) }, text))}`);
  fields.push(`"nums":${JSON.stringify(Array.from({ length: Math.floor(r() * 5) }, () => pick(r, NUMBERS.slice(0, 14))))}`);
  fields.push(
    `"objs":${JSON.stringify(Array.from({ length: Math.floor(r() * 5) }, () => ({ name: pick(r, ['a', 'b', 'c', 'é', 'B']), value: r() < 0.8 ? pick(r, NUMBERS.slice(0, 10)) : text() })))}`,
  );
  // Code points around the surrogate range: UTF-16 order and jq's code-point order disagree there.
  const uni = (): string => pick(r, UNICODE);
  fields.push(`"uni":${JSON.stringify(Array.from({ length: 2 + Math.floor(r() * 4) }, uni))}`);
  fields.push(`"uobj":${JSON.stringify(Object.fromEntries(Array.from({ length: 1 + Math.floor(r() * 4) }, () => [uni(), pick(r, NUMBERS.slice(0, 8))])))}`);
  fields.push(`"when":${JSON.stringify(pick(r, ['2024-01-02T03:04:05Z', '1970-01-01T00:00:00Z', '2000-02-29T23:59:59Z', '1999-12-31T00:00:00Z', '2024-13-01T00:00:00Z']))}`);
  if (r() < 0.1) fields.push('"deep":' + '['.repeat(40) + '1' + ']'.repeat(40));
  if (r() < 0.1) fields.push('"__proto__":{"x":1}');
  // Literal spellings JSON.stringify never writes, as a third party's JSON may.
  if (r() < 0.1) fields.push(`"lit":${pick(r, ['1.0', '1e1000', '-0', '100000000000000000001', '1E2', '0.10'])}`);
  return `{${fields.join(',')}}`;
}

const PATHS = ['.a', '.b', '.n', '.s', '.arr', '.obj', '.tags', '.date', '.num_s', '.nested', '.mixed', '.["key with space"]', '."é"', '.["1"]', '.obj.k', '.arr[0]', '.arr[-1]', '.tags[1:]', '.s[:2]', '.nested.a', '.mixed[0]?', '.obj[]?', '.missing', '.'];
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const OPS = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'and', 'or', '//'];

/** jq builtins and how to call them: `§` stands for a generated argument, `R` a regex, `F` regex flags. */
const CALLS = [
  'length', 'utf8bytelength', 'not', 'type', 'keys', 'keys_unsorted', 'tostring', 'tojson', 'tonumber', 'ascii_downcase', 'ascii_upcase', 'explode',
  'trim', 'ltrim', 'rtrim', 'floor', 'ceil', 'round', 'fabs', 'sqrt', 'abs', 'toboolean', 'values', 'nulls', 'strings', 'numbers', 'booleans',
  'arrays', 'objects', 'iterables', 'scalars', 'first', 'last', 'to_entries', 'from_entries', 'add', 'any', 'all', 'min', 'max', 'sort', 'unique',
  'reverse', 'flatten', 'fromdateiso8601', 'fromdate', 'todate', 'todateiso8601', 'empty', 'error', 'env', '$ENV',
  'has(§)', 'in(§)', 'contains(§)', 'inside(§)', 'startswith(§)', 'endswith(§)', 'ltrimstr(§)', 'rtrimstr(§)', 'trimstr(§)', 'split(§)', 'join(§)',
  'index(§)', 'rindex(§)', 'indices(§)', 'getpath(§)', 'nth(§)', 'flatten(§)', 'error(§)', 'map(§)', 'map_values(§)', 'select(§)', 'sort_by(§)',
  'group_by(§)', 'unique_by(§)', 'min_by(§)', 'max_by(§)', 'with_entries(§)', 'first(§)', 'last(§)', 'isempty(§)', 'any(§)', 'all(§)', 'add(§)',
  'range(§ % 20)', 'limit(§ % 5; §)', 'range(§ % 20; § % 20)', 'any(§; §)', 'all(§; §)',
  'test(R)', 'test(R; F)', 'match(R)', 'capture(R)', 'scan(R)', 'split(R; F)', 'sub(R; §)', 'gsub(R; §)', 'sub(R; §; F)', 'gsub(R; §; F)',
];
const REGEXES = ['"a$"', '"e$"', '"^$"', '"[a-z]\\\\z"', '"a"', '"[a-z]+"', '"^a"', '"c$"', '"(?<x>[0-9]+)"', '"\\\\d+"', '"\\\\w+"', '"\\\\s"', '"x*"', '""', '"(a)(b)?"', '"."', '"[^,]+"', '"ß"', '"(?<l>[aeiou])"', '"b|c"', '"a{2}"', '"é"', '"[A-Z]"', '"\\\\."'];
const FLAGS = ['null', '"g"', '"i"', '"gi"', '""'];

/** Typed steps: `kind -> [step, kind of its result]`, chained into pipelines that mostly give values. */
const STEPS: Record<string, Array<[string, string]>> = {
  str: [
    ['ascii_downcase', 'str'], ['ascii_upcase', 'str'], ['length', 'num'], ['utf8bytelength', 'num'], ['split(",")', 'strs'], ['split(" ")', 'strs'],
    ['split("")', 'strs'], ['test("a")', 'bool'], ['test("^[a-z]+$")', 'bool'], ['test("A"; "i")', 'bool'], ['test("\\\\d")', 'bool'], ['test("[a-z]$")', 'bool'], ['sub("$"; "!")', 'str'], ['[match("[a-z]\\\\Z"; "g").offset]', 'nums'],
    ['sub("a"; "X")', 'str'], ['gsub("[aeiou]"; "")', 'str'], ['gsub("(?<c>[a-z])"; "<\\(.c)>")', 'str'], ['gsub("\\\\s+"; "_")', 'str'],
    ['ltrimstr("a")', 'str'], ['rtrimstr("c")', 'str'], ['trimstr("a")', 'str'], ['startswith("a")', 'bool'], ['endswith("z")', 'bool'],
    ['. + "-x"', 'str'], ['"p:" + .', 'str'], ['"<\\(.)>"', 'str'], ['@base64', 'str'], ['@uri', 'str'], ['@html', 'str'], ['@json', 'str'],
    ['@sh', 'str'], ['tojson', 'str'], ['tostring', 'str'], ['.[1:3]', 'str'], ['.[-2:]', 'str'], ['index("a")', 'num?'], ['indices("a")', 'nums'],
    ['explode', 'nums'], ['trim', 'str'], ['ltrim', 'str'], ['rtrim', 'str'], ['tonumber? // 0', 'num'], ['fromdateiso8601? // null', 'num?'],
    ['capture("(?<first>[a-z])(?<rest>.*)")', 'obj'], ['[match("[a-z]+"; "g") | .offset]', 'nums'], ['[scan("[a-z]")]', 'strs'],
    ['split("[,.]"; null)', 'strs'], ['. * 2', 'str'], ['contains("a")', 'bool'], ['inside("abcdef")', 'bool'], ['ascii_downcase == .', 'bool'],
    ['if length > 3 then .[0:3] else . end', 'str'], ['. as $s | [$s, $s] | join("|")', 'str'], ['type', 'str'],
  ],
  num: [
    ['. + 1', 'num'], ['. - 0.5', 'num'], ['. * 3', 'num'], ['. / 4', 'num'], ['. % 7', 'num'], ['-.', 'num'], ['tostring', 'str'], ['tojson', 'str'],
    ['floor', 'num'], ['ceil', 'num'], ['round', 'num'], ['fabs', 'num'], ['abs', 'num'], ['sqrt', 'num'], ['length', 'num'], ['todate? // "x"', 'str'],
    ['. > 2', 'bool'], ['. == 1', 'bool'], ['[., 1] | max', 'num'], ['"n=\\(.)"', 'str'], ['[range(. % 6)] | length', 'num'], ['if . < 0 then "neg" else "pos" end', 'str'],
    ['@text', 'str'], ['[.] | @csv', 'str'], ['[., "a"] | @tsv', 'str'], ['. as $n | {n: $n}', 'obj'],
  ],
  bool: [['not', 'bool'], ['tostring', 'str'], ['if . then 1 else 0 end', 'num'], ['. and true', 'bool'], ['. or false', 'bool'], ['[.] | any', 'bool']],
  strs: [
    ['join(",")', 'str'], ['join("")', 'str'], ['length', 'num'], ['sort', 'strs'], ['unique', 'strs'], ['reverse', 'strs'], ['first', 'str?'], ['last', 'str?'],
    ['map(ascii_upcase)', 'strs'], ['map(length)', 'nums'], ['map(select(length > 2))', 'strs'], ['[.[] | select(test("a"))]', 'strs'],
    ['any(. == "a")', 'bool'], ['all(length > 0)', 'bool'], ['index("a")', 'num?'], ['contains(["a"])', 'bool'], ['min', 'str?'], ['max', 'str?'],
    ['group_by(length)', 'any'], ['sort_by(length)', 'strs'], ['unique_by(length)', 'strs'], ['to_entries', 'any'], ['.[1:]', 'strs'],
    ['map({name: ., value: length}) | from_entries', 'obj'], ['[limit(2; .[])]', 'strs'], ['first(.[])', 'str?'], ['isempty(.[])', 'bool'],
    ['map(tojson) | join(";")', 'str'], ['@csv', 'str'], ['@tsv', 'str'], ['add', 'str?'], ['. - ["a"]', 'strs'], ['. + ["z"]', 'strs'],
  ],
  nums: [
    ['add', 'num?'], ['length', 'num'], ['sort', 'nums'], ['unique', 'nums'], ['min', 'num?'], ['max', 'num?'], ['map(. * 2)', 'nums'],
    ['map(tostring)', 'strs'], ['map(select(. > 0))', 'nums'], ['[.[] | . + 1]', 'nums'], ['add / length', 'num'], ['first', 'num?'], ['last', 'num?'],
    ['sort_by(-.)', 'nums'], ['group_by(. > 1)', 'any'], ['any(. > 5)', 'bool'], ['all(. >= 0)', 'bool'], ['flatten', 'nums'], ['reverse', 'nums'],
    ['index(1)', 'num?'], ['indices(0)', 'nums'], ['tojson', 'str'], ['implode? // "x"', 'str'], ['map(floor)', 'nums'], ['[.[] | tostring] | join("+")', 'str'],
    ['reduce .[] as $x (0; . + $x)', 'num'], ['to_entries | map(.key)', 'nums'],
  ],
  objs: [
    ['sort_by(.name)', 'objs'], ['sort_by(.value)', 'objs'], ['group_by(.name)', 'any'], ['unique_by(.name)', 'objs'], ['map(.name)', 'strs'],
    ['map(.value)', 'any'], ['from_entries', 'obj'], ['max_by(.value)', 'obj?'], ['min_by(.name)', 'obj?'], ['map(select(.value > 1))', 'objs'],
    ['[.[] | .name + "=" + (.value | tostring)] | join("&")', 'str'], ['map({(.name): .value}) | add', 'obj?'], ['length', 'num'], ['first', 'obj?'],
    ['map(has("name"))', 'any'], ['map(to_entries)', 'any'], ['map(keys)', 'any'], ['map(.value) | add', 'any'], ['tojson', 'str'], ['sort', 'objs'],
  ],
  obj: [
    ['keys', 'strs'], ['keys_unsorted', 'strs'], ['to_entries', 'any'], ['length', 'num'], ['has("a")', 'bool'], ['tojson', 'str'], ['[.[]]', 'any'],
    ['with_entries(.value |= tostring)', 'obj'], ['with_entries(select(.key != "a"))', 'obj'], ['. + {extra: 1}', 'obj'], ['del(.a)', 'obj'],
    ['map_values(tostring)', 'obj'], ['to_entries | map("\\(.key)=\\(.value)") | join(",")', 'str'], ['.a // "none"', 'any'], ['. * {a: {b: 1}}', 'obj'],
  ],
};
const TYPED_ROOTS: Array<[string, string]> = [
  ['.str', 'str'], ['.num', 'num'], ['.flag', 'bool'], ['.strs', 'strs'], ['.nums', 'nums'], ['.objs', 'objs'], ['.when', 'str'], ['.obj', 'obj'],
  ['(.objs | from_entries)', 'obj'], ['.s', 'str'], ['.tags', 'strs'], ['.uni', 'strs'], ['.uobj', 'obj'], ['(.uni | map({name: ., value: length}))', 'objs'],
];

/** A pipeline of typed steps: mostly values, some type errors when a step's result kind is uncertain. */
export function typedProgram(r: Random): string {
  let [program, kind] = pick(r, TYPED_ROOTS);
  const steps = 1 + Math.floor(r() * 3);
  for (let i = 0; i < steps; i++) {
    const options = STEPS[kind.replace('?', '')];
    if (!options) break;
    const [step, next] = pick(r, options);
    program += ` | ${step}`;
    kind = next;
  }
  return program;
}

export class ProgramGenerator {
  private vars: string[] = [];
  constructor(private readonly r: Random) {}

  program(): string {
    this.vars = [];
    return this.r() < 0.5 ? typedProgram(this.r) : this.exp(0);
  }

  private literal(): string {
    const r = this.r;
    const c = r();
    if (c < 0.35) return String(pick(r, [0, 1, 2, 3, -1, 10, 0.5, 1.5, 100, 65]));
    if (c < 0.75) return JSON.stringify(pick(r, STRINGS));
    if (c < 0.85) return pick(r, ['true', 'false', 'null']);
    return pick(r, ['[]', '{}', '[1,2]', '{"a":1}', '["a","b"]', '[3,1,2]']);
  }

  private term(depth: number): string {
    const r = this.r;
    const c = r();
    if (c < 0.35) return pick(r, PATHS);
    if (c < 0.5) return this.literal();
    if (c < 0.55 && this.vars.length > 0) return pick(r, this.vars);
    if (depth > 3) return pick(r, PATHS);
    return `(${this.exp(depth + 1)})`;
  }

  private call(depth: number): string {
    const r = this.r;
    const template = pick(r, CALLS);
    return template
      .replace(/\bR\b/g, () => (r() < 0.85 ? pick(r, REGEXES) : this.term(depth + 1)))
      .replace(/\bF\b/g, () => pick(r, FLAGS))
      .replace(/§/g, () => this.exp(depth + 1));
  }

  exp(depth: number): string {
    const r = this.r;
    if (depth > 4) return this.term(depth);
    const c = r();
    if (c < 0.15) return this.term(depth);
    if (c < 0.35) return `${this.term(depth)} | ${this.call(depth)}`;
    if (c < 0.45) return this.call(depth);
    if (c < 0.55) {
      // Unparenthesised chains check jq's precedence.
      const n = 1 + Math.floor(r() * 3);
      let out = this.term(depth);
      let compared = false;
      for (let i = 0; i < n; i++) {
        // Comparisons do not chain in jq (`a == b == c` is a syntax error).
        let op = pick(r, OPS);
        while (compared && COMPARISONS.has(op)) op = pick(r, OPS);
        compared ||= COMPARISONS.has(op);
        out += ` ${op} ${r() < 0.2 ? '-' : ''}${this.term(depth)}`;
      }
      return out;
    }
    if (c < 0.6) return `if ${this.exp(depth + 1)} then ${this.exp(depth + 1)}${r() < 0.3 ? ` elif ${this.exp(depth + 1)} then ${this.exp(depth + 1)}` : ''}${r() < 0.8 ? ` else ${this.exp(depth + 1)}` : ''} end`;
    if (c < 0.64) return `[${this.exp(depth + 1)}${r() < 0.5 ? `, ${this.exp(depth + 1)}` : ''}]`;
    if (c < 0.68) {
      const entries = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
        pick(r, [`a: ${this.exp(depth + 1)}`, `"k-\\(${this.term(depth + 1)})": 1`, `(${this.term(depth + 1)}): 2`, 'name', `"s": ${this.term(depth + 1)}`, `value: ${this.term(depth + 1)} | ${this.call(depth + 1)}`]),
      );
      return `{${entries.join(', ')}}`;
    }
    if (c < 0.73) {
      const v = `$v${this.vars.length}`;
      const source = this.term(depth + 1);
      this.vars.push(v);
      const body = this.exp(depth + 1);
      this.vars.pop();
      return `${source} as ${v} | ${body}`;
    }
    if (c < 0.77) return pick(r, [`try ${this.term(depth)}`, `try ${this.term(depth)} catch ${this.literal()}`, `${this.term(depth)}?`, `try error(${this.literal()}) catch .`, `[${this.term(depth)}[]?]`]);
    if (c < 0.8) {
      const v = `$x${this.vars.length}`;
      const source = `${pick(r, ['.arr', '.tags', '.obj', '.mixed'])}[]?`;
      this.vars.push(v);
      const update = pick(r, [`. + ${v}`, `[., ${v}]`, `if ${v} then . else ${v} end`, `${this.exp(depth + 1)}`]);
      this.vars.pop();
      return `reduce ${source} as ${v} (${this.literal()}; ${update})`;
    }
    if (c < 0.86) return `"<\\(${this.exp(depth + 1)})>${r() < 0.3 ? `-\\(${this.term(depth + 1)})` : ''}"`;
    if (c < 0.88) return `${pick(r, ['@text', '@json', '@base64', '@uri', '@html', '@csv', '@tsv', '@sh'])}${r() < 0.5 ? ` "f:\\(${this.term(depth + 1)})"` : ''}`;
    if (c < 0.92) return `${this.term(depth)} // ${this.exp(depth + 1)}`;
    if (c < 0.95) return `first(${this.exp(depth + 1)}, ${this.exp(depth + 1)})`;
    if (c < 0.97) return `${this.term(depth)} | .[]`;
    return `-${this.term(depth)}`;
  }
}
