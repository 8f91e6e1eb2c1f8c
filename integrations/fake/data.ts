/**
 * The fake third party: deterministic departments and persons, shaped like Ocean's fake integration
 * (`fake_org_data`), generated page by page so that memory stays flat whatever `entityAmount` is.
 * Web standards only: this runs on Workers and Deno as well as Node.
 */
import { z } from 'port-tide';

/** The fake integration's configuration, keyed by `.port/spec.yaml` configuration names. */
export interface FakeConfig {
  /** Persons per department (Ocean's meaning): `5 × entityAmount` persons in all. */
  entityAmount: number;
  /** Size of each person's JSON, in KB (1024 bytes), reached by padding `bio`. */
  entityKbSize: number;
  /** Persons per page of the fake API; a page never spans two departments. */
  thirdPartyBatchSize: number;
  /** Milliseconds of simulated API latency before each page. */
  thirdPartyLatencyMs: number;
  /** Persons an incremental run reports changed: the first N, in resync order (Tide's own setting). */
  changedPersons: number;
}

/** The spec defaults, used when a value is missing. */
export const FAKE_DEFAULTS: Readonly<FakeConfig> = Object.freeze({
  entityAmount: 20,
  entityKbSize: 1,
  thirdPartyBatchSize: 1000,
  thirdPartyLatencyMs: 0,
  changedPersons: 0,
});

export type FakeDepartment = { id: string; name: string };

export type FakePersonStatus = 'WORKING' | 'NOPE';

/** Ocean's `FakePerson` fields, in Ocean's order. Plain type (not interface) so it is a `RawItem`. */
export type FakePerson = {
  id: string;
  email: string;
  name: string;
  status: FakePersonStatus;
  age: number;
  department: FakeDepartment;
  bio: string;
};

/** Ocean's five departments (`static.py`): the id doubles as the name there, so it does here too. */
export const FAKE_DEPARTMENTS: readonly Readonly<FakeDepartment>[] = Object.freeze(
  ['hr', 'marketing', 'finance', 'support', 'morpazia'].map((id) => Object.freeze({ id, name: id })),
);

/** Fresh copies, so that nothing downstream can alter the constants. */
export function fakeDepartments(): FakeDepartment[] {
  return FAKE_DEPARTMENTS.map((d) => ({ id: d.id, name: d.name }));
}

const whole = (min: number, what: string) =>
  z.preprocess(
    // Raw env-style records (tests, benchmarks) may hold numeric strings; the spec has already typed real settings.
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number({ error: `expected an integer of ${min} or more (${what})` }).int(`expected an integer of ${min} or more (${what})`).min(min, `expected an integer of ${min} or more (${what})`),
  );

/**
 * The fake's settings, checked: a missing value takes its default, a bad one is an error naming the setting
 * (Ocean silently falls back to the default, so `ENTITY_AMOUNT=-5` ran with 20 persons per department).
 */
export const fakeDataConfigSchema = z.object({
  entityAmount: whole(0, 'persons per department').default(FAKE_DEFAULTS.entityAmount),
  entityKbSize: whole(1, 'KB per person').default(FAKE_DEFAULTS.entityKbSize),
  thirdPartyBatchSize: whole(1, 'persons per page').default(FAKE_DEFAULTS.thirdPartyBatchSize),
  thirdPartyLatencyMs: whole(0, 'milliseconds per page').default(FAKE_DEFAULTS.thirdPartyLatencyMs),
  changedPersons: whole(0, 'persons an incremental run reports changed').default(FAKE_DEFAULTS.changedPersons),
});

/**
 * `raw` with defaults filled in and every value checked, for callers outside a Tide run (tests, benchmarks,
 * a handler called on its own). Numeric strings are accepted. Throws naming the bad setting.
 */
export function resolveFakeConfig(raw: Partial<Record<keyof FakeConfig, unknown>> | null | undefined = {}): FakeConfig {
  const result = fakeDataConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new Error(`fake integration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/** FNV-1a: a stable 32-bit seed from a person's identifier, so each person depends on nothing else. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur ' +
  'sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum'
).split(' ');

const FILLER_LENGTH = 16_384;
let filler: string | undefined;

/**
 * One shared block of lorem-ipsum sentences (ASCII only, so characters equal bytes), built once; each bio
 * reads it from its own offset. Copying a slice is far cheaper than drawing words per person, which
 * matters when a benchmark generates hundreds of thousands of persons.
 */
function fillerText(): string {
  if (filler !== undefined) return filler;
  const rand = prng(0x7469_6465);
  const parts: string[] = [];
  let length = 0;
  while (length < FILLER_LENGTH) {
    const count = 6 + Math.floor(rand() * 10);
    const words = Array.from({ length: count }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    const sentence = `${words.join(' ')}. `;
    parts.push(sentence[0].toUpperCase() + sentence.slice(1));
    length += sentence.length;
  }
  filler = parts.join('').slice(0, FILLER_LENGTH);
  return filler;
}

function padText(prefix: string, offset: number, length: number): string {
  if (length <= 0) return '';
  if (prefix.length >= length) return prefix.slice(0, length);
  const text = fillerText();
  let out = prefix + text.slice(offset, offset + length - prefix.length);
  while (out.length < length) out += text.slice(0, length - out.length);
  // A trailing space would read as an accident; end on a full stop instead.
  return out.endsWith(' ') ? `${out.slice(0, -1)}.` : out;
}

/**
 * Person `index` of `department`: identifier `{department}-{index}`, every field derived from that
 * identifier alone (so a smaller `entityAmount` yields a subset of a larger one), and `bio` padded so
 * that `JSON.stringify(person)` is `entityKbSize × 1024` bytes (ASCII; never shorter than the other fields).
 */
export function fakePerson(department: Readonly<FakeDepartment>, index: number, entityKbSize: number = FAKE_DEFAULTS.entityKbSize): FakePerson {
  const id = `${department.id}-${index}`;
  const rand = prng(hash32(id));
  const person: FakePerson = {
    id,
    email: `${id}@fake.example.com`,
    name: `Person ${id}`,
    // Ocean: WORKING when randint(0, 2) is even, i.e. two times in three; age is randint(20, 100).
    status: rand() < 2 / 3 ? 'WORKING' : 'NOPE',
    age: 20 + Math.floor(rand() * 81),
    department: { id: department.id, name: department.name },
    bio: '',
  };
  const budget = entityKbSize * 1024 - JSON.stringify(person).length;
  const offset = Math.floor(rand() * FILLER_LENGTH);
  person.bio = padText(`${person.name} works in ${department.name}. `, offset, budget);
  return person;
}

/** One page of the fake API: persons `start`..`end - 1` of one department. */
export interface FakePageRange {
  department: Readonly<FakeDepartment>;
  start: number;
  end: number;
}

/**
 * The pages Ocean's fake client requests: for each department in order, `entityAmount` persons in pages
 * of `thirdPartyBatchSize` (full pages, then the remainder).
 */
export function* fakePageRanges(config: Partial<FakeConfig> = {}): Generator<FakePageRange> {
  const { entityAmount, thirdPartyBatchSize } = resolveFakeConfig(config);
  for (const department of FAKE_DEPARTMENTS) {
    for (let start = 0; start < entityAmount; start += thirdPartyBatchSize) {
      yield { department, start, end: Math.min(entityAmount, start + thirdPartyBatchSize) };
    }
  }
}

/** Builds one page's persons. */
export function fakePersonPage(range: FakePageRange, entityKbSize: number = FAKE_DEFAULTS.entityKbSize): FakePerson[] {
  const page: FakePerson[] = [];
  for (let i = range.start; i < range.end; i++) page.push(fakePerson(range.department, i, entityKbSize));
  return page;
}

/** Pure, synchronous and latency-free: every page of persons, one at a time. */
export function* fakePersonPages(config: Partial<FakeConfig> = {}): Generator<FakePerson[]> {
  const { entityKbSize } = resolveFakeConfig(config);
  for (const range of fakePageRanges(config)) yield fakePersonPage(range, entityKbSize);
}

/** Total persons for a config: `5 × entityAmount`. */
export function fakePersonCount(config: Partial<FakeConfig> = {}): number {
  return FAKE_DEPARTMENTS.length * resolveFakeConfig(config).entityAmount;
}

/** The signal's reason, or an `AbortError` for callers that abort without one. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The fake API as a resync sees it: pages of persons, each after `thirdPartyLatencyMs` (Ocean's fake API
 * sleeps once per request). Only the current page is in memory. When `signal` aborts, the next step
 * (or the current wait) rejects with the signal's reason and no further page is produced.
 *
 * `fromPage` skips that many pages (resuming after page `fromPage - 1`).
 *
 * @example for await (const page of fakePersons({ entityAmount: 100 }, ctx.signal)) yield page;
 */
export async function* fakePersons(config: Partial<FakeConfig> = {}, signal?: AbortSignal, fromPage = 0): AsyncGenerator<FakePerson[]> {
  const { entityKbSize, thirdPartyLatencyMs } = resolveFakeConfig(config);
  let page = 0;
  for (const range of fakePageRanges(config)) {
    // A page index is the fake API's cursor: a resumed resync skips the pages it already has.
    if (page++ < fromPage) continue;
    if (signal?.aborted) throw abortReason(signal);
    if (thirdPartyLatencyMs > 0) await sleep(thirdPartyLatencyMs, signal);
    yield fakePersonPage(range, entityKbSize);
  }
}

/**
 * The persons an incremental run reports changed: the first `changedPersons` of a resync, in the same order and
 * pages (the last page cut short). Resumable like the resync: `resume.cursor` is the page to start at, and each
 * page is declared with `resume.checkpoint` before it is yielded.
 */
export async function* fakeChangedPersons(
  config: Partial<FakeConfig>,
  resume: { cursor?: unknown; checkpoint?: (cursor: unknown) => void } = {},
  signal?: AbortSignal,
): AsyncGenerator<FakePerson[]> {
  const { changedPersons } = resolveFakeConfig(config);
  let page = typeof resume.cursor === 'number' ? resume.cursor : 0;
  // Persons on the pages a resumed run already has.
  let left = changedPersons;
  let skipped = 0;
  for (const range of fakePageRanges(config)) {
    if (skipped++ >= page) break;
    left -= range.end - range.start;
  }
  for await (const persons of fakePersons(config, signal, page)) {
    if (left <= 0) return;
    const changed = persons.slice(0, left);
    left -= changed.length;
    resume.checkpoint?.((page += 1));
    yield changed;
  }
}
