/**
 * The fake integration's incremental handler and incremental runs end to end against the emulator
 * (docs/behaviour.md §4.12): "N of the catalog changed" writes N persons and deletes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTide, type Tide } from 'port-tide';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { loadIntegrationFolder } from 'port-tide/node';
import { createMemoryLogger, emulatorClient } from 'port-tide/testing';
import { configureOrThrow } from '../../src/runtime/index.ts';
import fake, { FAKE_OFFICES, FAKE_PROJECT_COUNT, FAKE_TEAMS, fakeChangedPersons, fakePersonPages } from './index.ts';
import type { FakeConfig, FakePerson } from './index.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const BASE = 'http://emulator.local';
const folder = loadIntegrationFolder('integrations/fake');

async function collect(pages: AsyncIterable<FakePerson[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const page of pages) out.push(page.map((p) => p.id));
  return out;
}

describe('fakeChangedPersons', () => {
  const config: Partial<FakeConfig> = { entityAmount: 4, thirdPartyBatchSize: 3 };
  const resyncOrder = [...fakePersonPages(config)].flat().map((p) => p.id);

  it('yields exactly the first N persons of a resync, in its order and pages', async () => {
    for (const n of [0, 1, 3, 7, 20, 25]) {
      const pages = await collect(fakeChangedPersons({ ...config, changedPersons: n }));
      expect(pages.flat()).toEqual(resyncOrder.slice(0, n));
      expect(pages.every((p) => p.length > 0 && p.length <= 3)).toBe(true);
    }
  });

  it('resumes after the pages it already declared', async () => {
    const cursors: unknown[] = [];
    const all = await collect(fakeChangedPersons({ ...config, changedPersons: 7 }, { checkpoint: (c) => cursors.push(c) }));
    expect(all).toEqual([resyncOrder.slice(0, 3), resyncOrder.slice(3, 4), resyncOrder.slice(4, 7)]);
    expect(cursors).toEqual([1, 2, 3]);
    expect(await collect(fakeChangedPersons({ ...config, changedPersons: 7 }, { cursor: 2 }))).toEqual([resyncOrder.slice(4, 7)]);
  });
});

describe('incremental runs of the fake integration against the emulator', () => {
  let emulator: PortEmulator;
  beforeEach(() => {
    emulator = createPortEmulator({ credentials: [CREDS] });
  });
  afterEach(() => emulator.close());

  function build(env: Record<string, string>): { tide: Tide; logger: ReturnType<typeof createMemoryLogger> } {
    const c = configureOrThrow({
      definition: fake,
      folder,
      env: { OCEAN__PORT__CLIENT_ID: CREDS.clientId, OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret, OCEAN__PORT__BASE_URL: BASE, OCEAN__SEND_RAW_DATA_EXAMPLES: 'false', ...env },
    });
    const logger = createMemoryLogger();
    return { tide: createTide({ integration: c.integration, settings: c.settings, spec: c.spec, fetch: emulator.fetch as typeof fetch, logger }), logger };
  }
  const port = () => emulatorClient({ baseUrl: BASE, fetch: emulator.fetch as typeof fetch });
  const requests = () => port().requests();

  it(
    'after a 10,000-person resync, 10 changed persons are exactly 10 entity writes in one bulk request, and nothing is deleted',
    async () => {
      const { tide } = build({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '2000', OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '10' });
      await tide.provision();
      const resync = await tide.resync();
      expect(resync.kinds.map((k) => [k.kind, k.upserted])).toEqual([
        ['fake-department', 5],
        ['fake-person', 10_000],
        ['fake-office', FAKE_OFFICES.length],
        ['fake-team', FAKE_TEAMS.length],
        ['fake-project', FAKE_PROJECT_COUNT],
      ]);
      await port().clearRequests();

      const report = await tide.incremental();
      expect(report).toMatchObject({ outcome: 'completed', deletion: { candidates: 0, deleted: 0 } });
      expect(report!.resources).toEqual([expect.objectContaining({ kind: 'fake-person', index: 1, fetched: 10, upserted: 10, failed: 0, advanced: true })]);

      const log = await requests();
      const bulk = log.filter((r) => r.path.startsWith('/v1/blueprints/') && r.path.endsWith('/entities/bulk'));
      expect(bulk.map((r) => r.path)).toEqual(['/v1/blueprints/fake-person/entities/bulk']);
      expect(bulk[0].body.entities.map((e: { identifier: string }) => e.identifier)).toEqual(['hr-0', 'hr-1', 'hr-2', 'hr-3', 'hr-4', 'hr-5', 'hr-6', 'hr-7', 'hr-8', 'hr-9']);
      // Nothing else writes or reads entities: no delete, no lookup, no ownership snapshot, no resync state.
      expect(log.filter((r) => r.method !== 'GET' && r !== bulk[0]).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(await port().entities('fake-person')).toHaveLength(10_000);
    },
    300_000,
  );

  it('a full resync is unaffected by changedPersons, and an incremental run with none changed writes nothing', async () => {
    const { tide } = build({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '3', OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '2' });
    const { tide: none } = build({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '3' });
    await tide.provision();
    expect((await tide.resync()).kinds[1]).toMatchObject({ fetched: 15, upserted: 15 });
    await port().clearRequests();
    expect((await none.incremental())!.resources[0]).toMatchObject({ fetched: 0, upserted: 0, advanced: true });
    // A new instance fetches its own token; nothing else but reads.
    expect((await requests()).filter((r) => r.method !== 'GET').map((r) => r.path)).toEqual(['/v1/auth/access_token']);
  });

  it('sends incrementalSyncEnabled with the integration record and corrects it as drift (§7.1)', async () => {
    const { tide } = build({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true' });
    await tide.provision();
    const created = (await requests()).find((r) => r.method === 'POST' && r.path === '/v1/integration');
    expect(created?.body).toMatchObject({ incrementalSyncEnabled: true });
    const { tide: off } = build({});
    expect(await off.provision()).toMatchObject({ drift: ['incrementalSyncEnabled'] });
    const patched = (await requests()).filter((r) => r.method === 'PATCH' && r.path === '/v1/integration/my-fake-integration' && 'incrementalSyncEnabled' in r.body);
    expect(patched.map((r) => r.body.incrementalSyncEnabled)).toEqual([false]);
  });

  it('counts incremental runs in /metrics with their sync type, apart from resyncs', async () => {
    const { tide } = build({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '3', OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '4' });
    await tide.provision();
    await tide.incremental();
    const metrics = await (await tide.fetch(new Request('http://tide.local/metrics'))).text();
    const labels = 'integration="my-fake-integration",type="fake",sync_type="incremental"';
    expect(metrics).toContain(`tide_incremental_syncs_total{${labels},outcome="completed"} 1`);
    expect(metrics).toContain(`tide_incremental_entities_total{${labels},outcome="upserted"} 4`);
    expect(metrics).not.toContain('tide_resyncs_total{');
  });

  it('warns at startup when cursors would be lost on a restart, or when nothing would run', async () => {
    const inMemory = build({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true', OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK', OCEAN__EVENT_LISTENER__APP_HOST: 'https://tide.example' });
    await inMemory.tide.start();
    await inMemory.tide.stop();
    const warnings = (l: ReturnType<typeof createMemoryLogger>) => l.records.filter((r) => r.level === 'warn').map((r) => r.message);
    expect(warnings(inMemory.logger)).toEqual([expect.stringContaining('incremental cursors are kept in memory and lost on a restart')]);

    const noHandler = build({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true', OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY' });
    await noHandler.tide.start();
    await noHandler.tide.stop();
    expect(warnings(noHandler.logger)).toEqual(['[tide] incrementalSyncEnabled is set, but the WEBHOOKS_ONLY listener never runs incremental syncs']);
  });
});
