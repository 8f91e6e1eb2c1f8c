/**
 * What `tide plan` and `tide sail --once` tell a user about one resync, against a loopback emulator:
 * the same deletion decision and `owned` count in both, the exit status (0 clean, 1 failed, 2 some
 * entities failed), the last line saying which, and progress lines off a terminal.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_ORGANISATION_ENTITIES } from '../../integrations/fake/index.ts';
import { sailSuite } from './test-support.ts';

const suite = sailSuite();
const { run } = suite;
const once = (extra: Record<string, string> = {}) => suite.port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', ...extra });

describe('tide plan, then tide sail --once, on a catalog that changed', () => {
  it('agree on the deletions, the rate and the owned count (ENTITY_AMOUNT=19, ENTITY_KB_SIZE=2 after the defaults)', async () => {
    expect((await run(once({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '20' }))).exitCode).toBe(0);
    // A bigger bio changes every person, and one person per department is gone upstream.
    const changed = { OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '19', OCEAN__INTEGRATION__CONFIG__ENTITY_KB_SIZE: '2' };
    const plan = await run(suite.port.env(changed), { dryRun: true });
    expect(plan.exitCode).toBe(0);
    const sailed = await run(once(changed));
    expect(sailed.exitCode).toBe(0);
    const planned = plan.plan!.deletion;
    const done = sailed.report!.deletion;
    // Owned at the start: 5 departments, 100 persons, and the fake's offices, teams and projects.
    const owned = 105 + FAKE_ORGANISATION_ENTITIES;
    expect(planned).toMatchObject({ outcome: 'planned', counts: { owned, candidates: 5 } });
    expect(done).toMatchObject({ outcome: 'deleted', counts: { owned, candidates: 5, deleted: 5 } });
    expect(done.rate).toBe(planned.rate);
    expect(plan.plan!.blueprints['fake-person'].deletes.sort()).toEqual(['finance-19', 'hr-19', 'marketing-19', 'morpazia-19', 'support-19']);
    expect((await suite.port.entities()).filter((e) => e.blueprint === 'fake-person')).toHaveLength(95);
  });
});

describe('tide sail --once: exit status', () => {
  it('exits 2 when every person fails to upsert (a string mapped into the number property `age`), and the last line says so', async () => {
    expect((await run(once())).exitCode).toBe(0);
    const integration = await suite.port.integration('fake-node');
    const [departments, persons] = integration.config.resources;
    persons.port.entity.mappings.properties.age = '"old"';
    expect((await suite.port.api('PATCH', '/v1/integration/fake-node', { config: { ...integration.config, resources: [departments, persons] } })).status).toBe(200);
    suite.h.lines.length = 0;
    const result = await run(once());
    expect(result.report?.status).toBe('completed');
    expect(result.report?.kinds[1]).toMatchObject({ failed: 10, upserted: 0 });
    expect(result.exitCode).toBe(2);
    expect(suite.h.lines.at(-1)).toBe('exit 2: the resync completed, but 10 entities failed to upsert and 0 to delete');
  });

  it('exits 0 after a clean resync, and the last line says so', async () => {
    const result = await run(once());
    expect(result.exitCode).toBe(0);
    expect(suite.h.lines.at(-1)).toBe('exit 0: the resync completed; every entity write and delete succeeded');
  });
});

describe('progress off a terminal', () => {
  it('logs one line per kind at most every 10 s: items, entities, upserted, skipped, rate', async () => {
    // Each reading of the clock moves it 4 s on: a resync of a few pages spans tens of seconds.
    let clock = Date.parse('2024-05-01T00:00:00Z');
    const now = () => (clock += 4000);
    const result = await run(once({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '12', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '1' }), { now, logFormat: 'json' });
    expect(result.exitCode).toBe(0);
    const progress = suite.h.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((r) => r.message?.startsWith('progress '));
    expect(progress.length).toBeGreaterThan(1);
    const persons = progress.filter((r) => r.resource === 'fake-person-1');
    expect(persons.length).toBeGreaterThan(0);
    expect(persons[0].message).toMatch(/^progress fake-person-1: items \d+, entities \d+, upserted \d+, skipped \d+, rate [\d.]+\/s$/);
    for (let i = 1; i < persons.length; i++) expect(persons[i].elapsedMs - persons[i - 1].elapsedMs).toBeGreaterThanOrEqual(10_000);
  });

  it('stays off when the CLI draws its own progress on a terminal', async () => {
    const updates: string[] = [];
    let clock = 0;
    await run(once({ OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '1' }), { now: () => (clock += 4000), onProgress: (r) => void updates.push(r.label), logFormat: 'json' });
    expect(updates.length).toBeGreaterThan(0);
    expect(suite.h.lines.some((l) => l.includes('"progress '))).toBe(false);
  });
});
