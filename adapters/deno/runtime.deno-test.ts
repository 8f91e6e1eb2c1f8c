/**
 * The Deno runtime suite, run by the real deno binary against a real emulator (Node, loopback). Started
 * by adapters/deno/deno.test.ts (vitest), which passes the emulator in the environment:
 * OCEAN__PORT__BASE_URL, OCEAN__PORT__CLIENT_ID/SECRET, OCEAN__INTEGRATION__IDENTIFIER,
 * OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT. Tests run in order and share the emulator's catalog.
 *
 *   deno test -A --config adapters/deno/deno.json adapters/deno/runtime.deno-test.ts
 */
import { createTide, type Tide } from 'port-tide';
import { emulatorClient, type EmulatorEntity } from 'port-tide/testing';
import { loadIntegrationFolder, loadSettings, type TideSettings } from '../../src/runtime/index.ts';
import fake, { FAKE_DEPARTMENTS, FAKE_OFFICES, FAKE_PROJECT_COUNT, FAKE_TEAMS, fakePerson, fakePersons } from '../../integrations/fake/index.ts';
import { createKvStateStore } from './kv-state-store.ts';
import { denoFiles, serve } from './serve.ts';

const env = Deno.env.toObject();
const BASE_URL = env.OCEAN__PORT__BASE_URL;
const IDENTIFIER = env.OCEAN__INTEGRATION__IDENTIFIER;
const FAKE_DIR = decodeURIComponent(new URL('../../integrations/fake/', import.meta.url).pathname);
if (!BASE_URL || !env.OCEAN__PORT__CLIENT_ID || !IDENTIFIER) {
  throw new Error('runtime.deno-test.ts needs a Port emulator in OCEAN__PORT__* and OCEAN__INTEGRATION__IDENTIFIER: run it through `vitest run adapters/deno`');
}

function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}
function assertEquals(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

type CatalogEntity = EmulatorEntity;
async function catalog(): Promise<CatalogEntity[]> {
  return emulatorClient({ baseUrl: BASE_URL }).entities();
}
/** What a user sees of the catalog; timestamps left out (an upsert of an identical entity may still move them). */
const content = (entities: CatalogEntity[]) =>
  entities.map((e) => JSON.stringify([e.blueprint, e.identifier, e.title, e.properties, e.relations, e.datasource])).sort();
const identifiers = (entities: CatalogEntity[], blueprint: string) =>
  entities
    .filter((e) => e.blueprint === blueprint)
    .map((e) => e.identifier)
    .sort();

/** The catalog as the resyncs left it; later tests compare against it. */
let resynced: string[] | undefined;

/** Poll `probe` until it returns a truthy value, for at most `timeoutMs` (no timing is asserted). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectedPersonIds(settings: TideSettings): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of fakePersons(settings.integration.config)) ids.push(...page.map((p) => p.id));
  return ids.sort();
}

/** Settings exactly as the adapter builds them: the process environment and the folder's `.port/spec.yaml`. */
async function settingsFromEnv(overrides: Record<string, unknown> = {}): Promise<TideSettings> {
  const folder = loadIntegrationFolder(denoFiles, FAKE_DIR);
  const loaded = loadSettings({ env: Deno.env.toObject(), spec: folder.spec, overrides, integrationDefaults: { type: fake.type, version: fake.version } });
  if (!loaded.ok) throw new Error(`settings: ${JSON.stringify(loaded.errors)}`);
  return loaded.settings;
}

/** A Tide instance as serve() builds it, state in a Deno KV file that the caller closes. */
async function openTide(): Promise<{ tide: Tide; settings: TideSettings; close(): Promise<void> }> {
  const folder = loadIntegrationFolder(denoFiles, FAKE_DIR);
  const settings = await settingsFromEnv();
  const dir = await Deno.makeTempDir({ prefix: 'tide-deno-runtime-' });
  const kv = await Deno.openKv(`${dir}/state.kv`);
  const tide = createTide({
    integration: { ...fake, spec: folder.spec, resources: folder.resources },
    settings,
    spec: folder.spec,
    state: createKvStateStore(kv, { prefix: ['tide', settings.integration.identifier] }),
  });
  return {
    tide,
    settings,
    close: async () => {
      await tide.stop();
      kv.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test('settings parse from Deno.env with the OCEAN__… names and the spec types', async () => {
  const settings = await settingsFromEnv();
  assertEquals(settings.port.baseUrl, BASE_URL, 'port.baseUrl');
  assertEquals(settings.port.mode, 'remote', 'port.mode');
  assertEquals(settings.integration.identifier, IDENTIFIER, 'integration.identifier');
  assertEquals(settings.integration.type, 'fake', 'integration.type');
  // OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT is a string in the environment, a number per spec.yaml.
  assertEquals(settings.integration.config.entityAmount, Number(env.OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT), 'integration.config.entityAmount');
  assertEquals(settings.eventListener.type, env.OCEAN__EVENT_LISTENER__TYPE ?? 'POLLING', 'eventListener.type');
});

Deno.test('the first resync creates the fake catalog in the emulator; the second changes nothing', async () => {
  const { tide, settings, close } = await openTide();
  try {
    await tide.provision();
    const first = await tide.resync();
    assertEquals(first.status, 'completed', `first resync status (errors: ${first.errors.join('; ')})`);
    const after1 = await catalog();
    const persons = await expectedPersonIds(settings);
    assert(persons.length === 5 * (settings.integration.config.entityAmount as number), 'five departments × entityAmount persons');
    assertEquals(identifiers(after1, 'fake-department'), FAKE_DEPARTMENTS.map((d) => d.id).sort(), 'department identifiers');
    assertEquals(identifiers(after1, 'fake-person'), persons, 'person identifiers');
    const hr0 = after1.find((e) => e.identifier === 'hr-0');
    assertEquals(hr0?.properties.email, 'hr-0@fake.example.com', 'hr-0 email');

    const second = await tide.resync();
    assertEquals(second.status, 'completed', 'second resync status');
    // Batches of ≤ 10 are always sent (§4.5), so "unchanged" is not asserted per entity: the catalog is.
    assertEquals(
      second.kinds.map((k) => [k.kind, k.fetched, k.upserted + k.unchanged, k.failed]),
      [
        ['fake-department', 5, 5, 0],
        ['fake-person', persons.length, persons.length, 0],
        ['fake-office', FAKE_OFFICES.length, FAKE_OFFICES.length, 0],
        ['fake-team', FAKE_TEAMS.length, FAKE_TEAMS.length, 0],
        ['fake-project', FAKE_PROJECT_COUNT, FAKE_PROJECT_COUNT, 0],
      ],
      'second resync kinds [kind, fetched, upserted + unchanged, failed]',
    );
    assertEquals([second.deletion.outcome, second.deletion.counts.deleted], ['nothing-to-delete', 0], 'second resync deletions');
    assertEquals(content(await catalog()), content(after1), 'catalog after the second resync');
    resynced = content(after1);
  } finally {
    await close();
  }
});

Deno.test('health and metrics routes answer through tide.fetch', async () => {
  const { tide, close } = await openTide();
  try {
    for (const check of ['live', 'ready']) {
      const res = await tide.fetch(new Request(`http://tide.local/health/${check}`));
      assertEquals(res.status, 200, `/health/${check} status`);
      const body = (await res.json()) as { status: string; check: string };
      assertEquals([body.status, body.check], ['healthy', check], `/health/${check} body`);
    }
    const metrics = await tide.fetch(new Request('http://tide.local/metrics'));
    assertEquals(metrics.status, 200, '/metrics status');
    await metrics.body?.cancel();
  } finally {
    await close();
  }
});

Deno.test('serve(): a long-running instance answers /health/ready over Deno.serve, applies a live event, stops cleanly', async () => {
  const dir = await Deno.makeTempDir({ prefix: 'tide-deno-serve-' });
  const lines: string[] = [];
  const run = await serve(fake, {
    dir: FAKE_DIR,
    cwd: dir,
    port: 0,
    // No hostname: the server binds 127.0.0.1 unless APPLICATION__HOST says otherwise (§8.1).
    // No trigger: nothing runs on its own, so the test controls every resync. Live events need baseUrl (§6.1).
    overrides: { eventListener: { type: 'WEBHOOKS_ONLY' }, baseUrl: 'http://127.0.0.1:1' },
    handleSignals: false,
    out: (l) => void lines.push(l),
  });
  try {
    assertEquals(run.exitCode, undefined, `exit code (output: ${lines.join(' | ')})`);
    assert(run.url, 'serve() returns its url');
    const res = await fetch(`${run.url}/health/ready`);
    assertEquals(res.status, 200, 'GET /health/ready over HTTP');
    assertEquals(((await res.json()) as { status: string }).status, 'healthy', 'health body');

    const person = { ...fakePerson(FAKE_DEPARTMENTS[0]!, 0), name: 'Renamed by a live event on Deno' };
    const event = await fetch(`${run.url}/integration/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'person.updated', person }),
    });
    assert(event.ok, `POST /integration/webhook: ${event.status} ${await event.text()}`);
    const updated = await waitFor('the live event to reach Port', async () => (await catalog()).find((e) => e.identifier === person.id && e.title === person.name));
    assertEquals(updated.properties.name, person.name, 'name property after the live event');
  } finally {
    await run.stop();
    await Deno.remove(dir, { recursive: true });
  }
  assert(lines.some((l) => l.startsWith('listening on http://127.0.0.1:')), `listening line (output: ${lines.join(' | ')})`);
});

Deno.test('serve(): ONCE resyncs with state in a Deno KV file, restores the catalog of the resyncs above, exits 0', async () => {
  assert(resynced, 'runs after the resync test');
  const dir = await Deno.makeTempDir({ prefix: 'tide-deno-once-' });
  const lines: string[] = [];
  try {
    const run = await serve(fake, { dir: FAKE_DIR, cwd: dir, port: 0, overrides: { eventListener: { type: 'ONCE' } }, handleSignals: false, out: (l) => void lines.push(l) });
    assertEquals(run.exitCode, 0, `exit code (output: ${lines.join(' | ')})`);
    assertEquals(run.url, undefined, 'ONCE serves no HTTP');
    assert(!lines.some((l) => l.startsWith('listening on')), `ONCE starts no server (output: ${lines.join(' | ')})`);
    assertEquals(run.report?.status, 'completed', 'report status');
    assert(run.report?.kinds.every((k) => k.failed === 0 && k.errors.length === 0), `no failures: ${JSON.stringify(run.report?.kinds)}`);
    assertEquals(run.report?.deletion.counts.deleted, 0, 'deletions');
    assert((await Deno.stat(`${dir}/.tide/state.kv`)).isFile, 'the KV file is in <cwd>/.tide/state.kv');
    // The live event's rename is undone: the catalog is again what the resyncs produced.
    assertEquals(content(await catalog()), resynced, 'catalog after ONCE');
    for (const l of lines) assert(!l.includes(env.OCEAN__PORT__CLIENT_SECRET!), `a line shows the client secret: ${l}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('serve(): without Port credentials, exits 2 naming OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET', async () => {
  const lines: string[] = [];
  const run = await serve(fake, {
    dir: FAKE_DIR,
    env: { OCEAN__INTEGRATION__IDENTIFIER: 'no-credentials', OCEAN__EVENT_LISTENER__TYPE: 'ONCE' },
    handleSignals: false,
    out: (l) => void lines.push(l),
  });
  assertEquals(run.exitCode, 2, 'exit code');
  const text = lines.join('\n');
  assert(text.includes('OCEAN__PORT__CLIENT_ID') && text.includes('OCEAN__PORT__CLIENT_SECRET'), `message names both variables: ${text}`);
});
