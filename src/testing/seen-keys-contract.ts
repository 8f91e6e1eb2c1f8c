/**
 * The seen-set contract: one suite, run against every `SeenKeys` (the in-memory `SeenSet`, the
 * Durable Object's SQLite one). A seen set decides what reconciliation deletes: a key it loses, or
 * one it mixes up with another, deletes an entity that is still upstream. Framework-agnostic like
 * `testStateStore`: the caller passes its own `test(name, fn)`.
 *
 * @example
 * describe('memory', () => testSeenKeys('memory', () => ({ seen: new SeenSet() }), { test: it }));
 */
import type { SeenKeys } from '../sync/seen.ts';
import { assertEqual, assertOk, contractCases } from './contract.ts';
import type { ContractOptions, ContractSubject } from './contract.ts';

/** What the factory returns for one test: a fresh, empty set, and how to reopen and dispose of it. */
export interface SeenKeysSubject extends ContractSubject<SeenKeys> {
  seen: SeenKeys;
}

export type SeenKeysContractOptions = ContractOptions;

/**
 * (blueprint, identifier) pairs a seen set must keep apart: separators that could join a blueprint
 * to an identifier, case, unicode (composed and decomposed é), astral characters, a long identifier.
 */
export const AWKWARD_SEEN_KEYS: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['service', 'svc-1'],
  ['service', 'svc-10'],
  ['service', 'SVC-1'],
  ['Service', 'svc-1'],
  ['team', 'svc-1'],
  ['service/a', 'b'],
  ['service', 'a/b'],
  ['service', 'with:colon=and+plus@at.dot'],
  ['service', 'back\\slash'],
  ['service', '"quoted"'],
  ['service', '["service","svc-1"]'],
  ['service', '1'],
  ['service', '01'],
  ['service', 'caf\u00e9'],
  ['service', 'cafe\u0301'],
  ['service', 'ключ-键'],
  ['service', 'rocket-🚀'],
  ['ünïcödé-bp', 'ünïcödé-id'],
  ['service', `long-${'x'.repeat(1500)}`],
  ['service', `long-${'x'.repeat(1499)}y`],
] as const);

/** Keys across three blueprints in the "many keys" case: past every growth step of an in-memory table. */
const MANY = 10_000;

type Groups = Array<[string, string, string[]]>;

/** `relationValues()` as sorted plain data, so any two implementations compare equal. */
function groups(seen: SeenKeys): Groups {
  return [...seen.relationValues()]
    .map(([blueprint, name, values]): [string, string, string[]] => [blueprint, name, [...values].sort()])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
}

/** Register the seen-set contract cases through `options.test`; test names start with `name`. */
export function testSeenKeys(name: string, factory: () => SeenKeysSubject | Promise<SeenKeysSubject>, options: SeenKeysContractOptions): void {
  const it = contractCases(name, factory, options);

  it('an empty set has no key and no relation value', async ({ seen }) => {
    assertEqual(seen.size, 0, 'size');
    assertEqual(seen.has('service', 'svc-1'), false, 'has(service, svc-1)');
    assertEqual(groups(seen), [], 'relationValues()');
  });

  it('has exactly what was added; adding a key again changes nothing', async ({ seen }) => {
    seen.add('service', 'svc-1');
    seen.add('service', 'svc-1');
    seen.add('service', 'svc-2', { owner: 'team-a' });
    seen.add('service', 'svc-2', { owner: 'team-a' });
    assertEqual(seen.size, 2, 'size after adding two keys, each twice');
    assertOk(seen.has('service', 'svc-1') && seen.has('service', 'svc-2'), 'has() of the added keys');
    assertEqual([seen.has('service', 'svc-3'), seen.has('team', 'svc-1'), seen.has('service', 'svc-')], [false, false, false], 'has() of keys never added');
    assertEqual(groups(seen), [['service', 'owner', ['team-a']]], 'relationValues()');
  });

  it('keys are (blueprint, identifier) pairs, kept apart exactly', async ({ seen }) => {
    const half = AWKWARD_SEEN_KEYS.filter((_, i) => i % 2 === 0);
    for (const [bp, id] of half) seen.add(bp, id);
    for (const [i, [bp, id]] of AWKWARD_SEEN_KEYS.entries()) {
      assertEqual(seen.has(bp, id), i % 2 === 0, `has(${JSON.stringify(bp)}, ${JSON.stringify(id.slice(0, 40))}) with every other awkward key added`);
    }
    assertEqual(seen.size, half.length, 'size');
    for (const [bp, id] of AWKWARD_SEEN_KEYS) seen.add(bp, id);
    for (const [bp, id] of AWKWARD_SEEN_KEYS) assertOk(seen.has(bp, id), `has(${JSON.stringify(bp)}, ${JSON.stringify(id.slice(0, 40))}) with all added`);
    assertEqual(seen.size, AWKWARD_SEEN_KEYS.length, 'size with all added');
  });

  it(`many keys (${MANY} across three blueprints) are all kept, and nothing else is`, async ({ seen }) => {
    const blueprints = ['service', 'team', 'repo'];
    for (let i = 0; i < MANY; i++) seen.add(blueprints[i % 3], `entity-${i}`);
    assertEqual(seen.size, MANY, 'size');
    const missing: string[] = [];
    for (let i = 0; i < MANY; i++) if (!seen.has(blueprints[i % 3], `entity-${i}`)) missing.push(`entity-${i}`);
    assertEqual(missing.slice(0, 5), [], 'keys not found');
    const extra: string[] = [];
    for (let i = 0; i < MANY; i++) {
      if (seen.has(blueprints[(i + 1) % 3], `entity-${i}`)) extra.push(`${blueprints[(i + 1) % 3]}/entity-${i}`);
      if (seen.has(blueprints[i % 3], `entity-${i + MANY}`)) extra.push(`entity-${i + MANY}`);
    }
    assertEqual(extra.slice(0, 5), [], 'keys found that were never added');
  });

  it('relation values: per blueprint and relation, the distinct plain targets of every seen entity', async ({ seen }) => {
    const search = { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'by-search' }] };
    seen.add('service', 's1', { owner: 'team-a', deps: ['s2', 's3'], viaSearch: search, none: null, empty: [] });
    seen.add('service', 's2', { owner: 'team-b', deps: ['s3', 7] });
    seen.add('service', 's2', { owner: 'team-a' });
    seen.add('service', 's4');
    seen.add('team', 'team-a', { 'bësitzer/owner': 'ключ:1' });
    assertEqual(seen.size, 4, 'size');
    assertEqual(
      groups(seen),
      [
        ['service', 'deps', ['7', 's2', 's3']],
        ['service', 'owner', ['team-a', 'team-b']],
        ['team', 'bësitzer/owner', ['ключ:1']],
      ],
      'relationValues() (search-query, null and empty relations hold no plain target)',
    );
  });

  it('existed: the first answer per key counts, and the key is seen', async ({ seen }) => {
    assertEqual([seen.existedCount, seen.existed('service', 'svc-1')], [0, false], 'an empty set');
    seen.noteExisted('service', 'svc-1', true);
    seen.noteExisted('service', 'svc-1', false);
    seen.noteExisted('service', 'svc-2', false);
    seen.noteExisted('service', 'svc-2', true); // created by this resync, written again: still not "existed"
    seen.add('service', 'svc-3');
    seen.noteExisted('service', 'svc-3', true);
    for (const [bp, id] of AWKWARD_SEEN_KEYS) seen.noteExisted(bp, id, id.length % 2 === 0);
    const awkward = AWKWARD_SEEN_KEYS.filter(([, id]) => id.length % 2 === 0 && id !== 'svc-1');
    assertEqual(seen.existedCount, 2 + awkward.length, 'existedCount');
    assertEqual(
      [seen.existed('service', 'svc-1'), seen.existed('service', 'svc-2'), seen.existed('service', 'svc-3'), seen.existed('team', 'svc-3')],
      [true, false, true, false],
      'existed() of svc-1, svc-2, svc-3 and a key never noted',
    );
    for (const [bp, id] of AWKWARD_SEEN_KEYS) {
      assertOk(seen.has(bp, id), `has(${JSON.stringify(bp)}, ${JSON.stringify(id.slice(0, 40))}) once noted`);
      if (!(bp === 'service' && id === 'svc-1')) assertEqual(seen.existed(bp, id), id.length % 2 === 0, `existed(${JSON.stringify(bp)}, ${JSON.stringify(id.slice(0, 40))})`);
    }
    assertEqual(seen.size, AWKWARD_SEEN_KEYS.length + 2, 'size');
  });

  if (options.persistent) {
    it('persists: a reopened instance has every key and relation value added before', async (subject) => {
      if (!subject.reopen) throw new Error('a persistent seen set must provide reopen()');
      for (const [bp, id] of AWKWARD_SEEN_KEYS) subject.seen.add(bp, id, { owner: `${id.slice(0, 10)}-owner` });
      const reopened = await subject.reopen();
      assertEqual(reopened.size, AWKWARD_SEEN_KEYS.length, 'size after reopen');
      for (const [bp, id] of AWKWARD_SEEN_KEYS) assertOk(reopened.has(bp, id), `has(${JSON.stringify(bp)}, ${JSON.stringify(id.slice(0, 40))}) after reopen`);
      const owners = new Map<string, Set<string>>();
      for (const [bp, id] of AWKWARD_SEEN_KEYS) owners.set(bp, (owners.get(bp) ?? new Set()).add(`${id.slice(0, 10)}-owner`));
      const expected: Groups = [...owners].map(([bp, values]) => [bp, 'owner', [...values].sort()]);
      assertEqual(groups(reopened), expected.sort((a, b) => (a[0] < b[0] ? -1 : 1)), 'relationValues() after reopen');
    });
  }
}
