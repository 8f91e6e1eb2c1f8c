import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import fake, { FAKE_ORGANISATION_ENTITIES as FAKE_ORGANISATION } from '../../integrations/fake/index.ts';
import { TIDE_VERSION } from '../version.ts';
import type { Tide } from './create-tide.ts';
import { fakeTide } from './test-support.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { emulatorClient } from '../testing/emulator-client.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const BASE = 'http://emulator.local';

let emulator: PortEmulator;
let tide: Tide;

const build = (env: Record<string, string> = {}) =>
  fakeTide({ emulator, baseUrl: BASE, credentials: CREDS, env: { OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '3', ...env } });

const port = () => emulatorClient({ baseUrl: BASE, fetch: emulator.fetch });
const entities = (blueprint: string) => port().entities(blueprint);

beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  tide = build();
});
afterEach(() => emulator.close());

describe('createTide with the fake integration against the emulator', () => {
  it('provisions, resyncs the whole catalog, and plans nothing more afterwards', async () => {
    const provisioned = await tide.provision();
    expect(provisioned).toMatchObject({ integration: 'created', setup: 'created' });
    const report = await tide.resync();
    expect(report.status).toBe('completed');
    expect((await entities('fake-department')).map((e) => e.identifier).sort()).toEqual(['finance', 'hr', 'marketing', 'morpazia', 'support']);
    const persons = await entities('fake-person');
    expect(persons).toHaveLength(15);
    expect(persons.every((p) => p.datasource === `port-ocean/fake/${fake.version}/my-fake-integration/exporter`)).toBe(true);

    const plan = await tide.plan();
    const totals = Object.values(plan.blueprints).reduce(
      (acc, b) => ({ creates: acc.creates + b.counts.creates, updates: acc.updates + b.counts.updates, unchanged: acc.unchanged + b.counts.unchanged }),
      { creates: 0, updates: 0, unchanged: 0 },
    );
    // 5 departments and 15 persons, and the fixed offices, teams and projects.
    expect(totals).toEqual({ creates: 0, updates: 0, unchanged: 20 + FAKE_ORGANISATION });
  });

  it('a smaller upstream deletes exactly the persons that are gone', async () => {
    // Pages of more than 10 persons, so unchanged persons are not rewritten and stay in the owned snapshot.
    const larger = build({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '12' });
    await larger.provision();
    await larger.resync();
    await port().advanceClock(1);
    const smaller = build({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '11' });
    const report = await smaller.resync();
    expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { candidates: 5, deleted: 5 } });
    expect(report.deletion.rows.map((r) => r.identifier).sort()).toEqual(['finance-11', 'hr-11', 'marketing-11', 'morpazia-11', 'support-11']);
    expect(await entities('fake-person')).toHaveLength(55);
  });

  it('serves health and metrics, and answers 503 for live events under ONCE', async () => {
    const live = await tide.fetch(new Request('http://tide.local/health/live'));
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'healthy', check: 'live', core_version: TIDE_VERSION });
    expect(live.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(live.headers.get('x-process-time')).toMatch(/^\d+\.\d+$/);
    expect((await (await tide.fetch(new Request('http://tide.local/health/ready'))).json())).toMatchObject({ check: 'ready' });

    await tide.provision();
    await tide.resync();
    const metrics = await (await tide.fetch(new Request('http://tide.local/metrics'))).text();
    expect(metrics).toContain('tide_resyncs_total{integration="my-fake-integration",type="fake",status="completed"} 1');
    expect(metrics).toMatch(new RegExp(`tide_entities_total\\{[^}]*outcome="upserted"\\} ${20 + FAKE_ORGANISATION}\\n`));

    const event = await tide.fetch(new Request('http://tide.local/integration/webhook', { method: 'POST', body: '{}' }));
    expect(event.status).toBe(503);
    expect(await event.json()).toEqual({ status: 'error', message: 'listener ONCE does not process live events' });
  });

  it("the fake integration's webhook, a path with no signature check, applies a person at once", async () => {
    const live = build({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__BASE_URL: 'http://tide.local' });
    await live.provision();
    const person = { id: 'hr-99', email: 'hr-99@fake.example.com', name: 'Person hr-99', status: 'WORKING', age: 42, department: { id: 'hr', name: 'hr' }, bio: '' };
    const body = JSON.stringify({ type: 'person.updated', person });
    const response = await live.fetch(new Request('http://tide.local/integration/webhook', { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    expect(response.status).toBe(200);
    await live.live.idle();
    expect((await entities('fake-person')).map((e) => e.identifier)).toEqual(['hr-99']);
    expect(live.live.stats()).toMatchObject({ received: 1, rejected: 0, queued: 1, upserted: 1 });
  });

  it("with webhookSecret set, the fake integration's webhook answers 401 to a delivery without the secret and writes nothing", async () => {
    const live = build({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__BASE_URL: 'http://tide.local', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: 'fake-hook-secret' });
    await live.provision();
    const person = (id: string) => ({ id, email: `${id}@fake.example.com`, name: `Person ${id}`, status: 'WORKING', age: 42, department: { id: 'hr', name: 'hr' }, bio: '' });
    const post = (id: string, headers: Record<string, string>) =>
      live.fetch(new Request('http://tide.local/integration/webhook', { method: 'POST', body: JSON.stringify({ type: 'person.updated', person: person(id) }), headers: { 'content-type': 'application/json', ...headers } }));
    expect((await post('hr-97', {})).status).toBe(401);
    expect((await post('hr-98', { 'x-tide-webhook-secret': 'fake-hook-secreT' })).status).toBe(401);
    expect((await post('hr-99', { 'x-tide-webhook-secret': 'fake-hook-secret' })).status).toBe(200);
    await live.live.idle();
    expect((await entities('fake-person')).map((e) => e.identifier)).toEqual(['hr-99']);
  });

  it('keeps TIDE_VERSION equal to package.json', () => {
    expect(TIDE_VERSION).toBe(packageJson.version);
  });
});
