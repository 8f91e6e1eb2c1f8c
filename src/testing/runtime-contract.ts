/**
 * The runtime contract: one suite, written once, run on every runtime adapter (Node, workerd, Deno),
 * each against the real local Port emulator, the way testStateStore() checks every StateStore. It is
 * framework-agnostic: the caller passes its own `test(name, fn)` (vitest's `it`, `Deno.test`);
 * assertions are built in and throw plain `Error`s. It drives the bundled `fake` integration (its
 * blueprints `fake-department` / `fake-person`); the caller passes the fake's departments and persons,
 * since src/ does not import integrations.
 *
 * Each check starts with `POST /_emulator/reset` and a fresh integration identifier, so the harness
 * must own its emulator (nothing else may use it while the suite runs).
 *
 * @example
 * runtimeContract(() => nodeHarness(), { test: it, fake: { departments, person } });
 */
import { RESYNC_ENGINE } from '../sync/report.ts';
import { assertEqual, assertOk, createPortProbe, waitFor, type CatalogEntity } from './runtime-contract-port.ts';

/** What the contract reads of a resync's report (a `ResyncReport` is one). */
export interface RuntimeResyncReport {
  status: 'completed' | 'failed' | 'aborted';
  /** The engine that ran it: the same step engine on every runtime (`RESYNC_ENGINE`). */
  engine: string;
  /**
   * The one-shot exit status (docs/behaviour.md §4.11): 0 clean, 1 failed or aborted, 2 completed with entity
   * failures. The process's own on Node and Deno (`--once`), the report's on Workers.
   */
  exitCode: number;
}

/** What the contract reads of an incremental run's report (an `IncrementalReport` is one). */
export interface RuntimeIncrementalReport {
  outcome: 'completed' | 'failed' | 'aborted' | 'no-op';
  resources: Array<{ kind: string; index: number; since: string; cursor: string | null; advanced: boolean; upserted: number; deleted: number; error?: string }>;
}

/** One configured integration instance on the runtime under test. */
export interface RuntimeInstance {
  /** Run one resync to its end, however the runtime does it (createTide, the DO's steps, serve ONCE); resolve with its report. */
  resync(): Promise<RuntimeResyncReport>;
  /**
   * Run one incremental run to its end the way the runtime does it (ONCE with `incrementalSyncEnabled`, the
   * DO's steps), keeping its cursors where the runtime keeps state; resolve with its report (docs/behaviour.md §4.12).
   */
  incremental(): Promise<RuntimeIncrementalReport>;
  /** The integration's HTTP app: health routes, live events under `/integration/…`. */
  fetch(request: Request): Promise<Response>;
  stop(): Promise<void>;
}

/** What a runtime provides to the contract. */
export interface RuntimeHarness {
  name: string;
  /** The emulator's base URL, e.g. `http://127.0.0.1:PORT`. */
  emulatorUrl: string;
  /** Machine credentials the emulator accepts (the suite reads and patches the integration with them). */
  credentials: { clientId: string; clientSecret: string };
  /**
   * Build an instance from `OCEAN__…` settings (the harness adds the Port URL and credentials). Invalid
   * settings must reject, with a message naming the offending `OCEAN__…` variable.
   */
  configure(env: Record<string, string>): Promise<RuntimeInstance>;
  /** Called once after the suite's last test (optional). */
  dispose?(): Promise<void>;
}

export interface RuntimeContractOptions {
  /** Registers one test: vitest's `it`, `Deno.test`, node:test's `test`. Tests must run in order. */
  test: (name: string, fn: () => Promise<void>) => unknown;
  /** The fake integration's data: department identifiers and the raw person a webhook carries. */
  fake: {
    type?: string;
    version?: string;
    departments: readonly string[];
    person(departmentIndex: number, index: number): Record<string, unknown> & { id: string };
  };
  /** Bound on waiting for a live event to reach Port (default 60 s). */
  liveEventTimeoutMs?: number;
}

/** Persons per department: pages of more than 10 (≤ 10 are always re-sent and leave the owned snapshot). */
const AMOUNT = 12;

/** Register the runtime contract through `options.test`; test names start with the harness name. */
export function runtimeContract(harnessFactory: () => RuntimeHarness | Promise<RuntimeHarness>, options: RuntimeContractOptions): void {
  const { fake } = options;
  const type = fake.type ?? 'fake';
  const version = fake.version ?? '0.1.0';
  let harness: Promise<RuntimeHarness> | undefined;
  let registered = 0;
  let finished = 0;
  const total = 11;
  const persons = (n: number) => fake.departments.flatMap((d) => Array.from({ length: n }, (_, i) => `${d}-${i}`)).sort();

  const check = (title: string, body: (h: RuntimeHarness, ctx: CheckContext) => Promise<void>) => {
    registered += 1;
    const slug = `contract-${registered}`;
    options.test(`runtime contract: ${title}`, async () => {
      const h = await (harness ??= Promise.resolve(harnessFactory()));
      const port = createPortProbe(h);
      const instances: RuntimeInstance[] = [];
      const ctx: CheckContext = {
        identifier: slug,
        datasource: `port-ocean/${type}/${version}/${slug}/exporter`,
        port,
        env: (extra = {}) => ({ OCEAN__INTEGRATION__IDENTIFIER: slug, OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT), ...extra }),
        async configure(env) {
          const configured = await h.configure(env);
          // A check may stop an instance before the end; the harness sees one stop() per instance.
          let stopping: Promise<void> | undefined;
          const instance: RuntimeInstance = {
            resync: () => configured.resync(),
            incremental: () => configured.incremental(),
            fetch: (r) => configured.fetch(r),
            stop: () => (stopping ??= configured.stop()),
          };
          instances.push(instance);
          return instance;
        },
        async resync(instance, expected, exitCode = expected === 'completed' ? 0 : 1) {
          const report = await instance.resync();
          assertEqual(report.status, expected, `${h.name}: resync status`);
          assertEqual(report.engine, RESYNC_ENGINE, `${h.name}: the engine that ran the resync`);
          assertEqual(report.exitCode, exitCode, `${h.name}: the exit status of the resync`);
        },
      };
      try {
        await port.reset();
        await body(h, ctx);
      } finally {
        for (const i of instances.splice(0)) await i.stop();
        finished += 1;
        if (finished === total) await h.dispose?.();
      }
    });
  };

  check('a bad setting is rejected, naming its OCEAN__ variable', async (_h, ctx) => {
    const rejected = await ctx.configure(ctx.env({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: 'a dozen' })).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    assertOk(rejected !== undefined, 'configure() with OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=a dozen resolved; expected a rejection');
    assertOk(rejected!.includes('OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT'), `the rejection names OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: ${rejected}`);
    const bad = await ctx.configure(ctx.env({ OCEAN__EVENT_LISTENER__TYPE: 'CARRIER_PIGEON' })).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    assertOk(bad?.includes('OCEAN__EVENT_LISTENER__TYPE'), `a bad OCEAN__EVENT_LISTENER__TYPE is rejected by name: ${bad}`);
  });

  check(`the first resync creates 5 departments and 5 × ${AMOUNT} persons owned by the integration`, async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env());
    await ctx.resync(instance, 'completed');
    assertEqual(ids(await ctx.port.entities('fake-department', ctx.datasource)), [...fake.departments].sort(), 'our departments');
    assertEqual(ids(await ctx.port.entities('fake-person', ctx.datasource)), persons(AMOUNT), 'our persons');
    assertEqual((await ctx.port.entities('fake-person')).length, 5 * AMOUNT, 'every person in the catalog is ours');
    const hr = (await ctx.port.entities('fake-person')).find((e) => e.identifier === `${fake.departments[1]}-0`);
    assertEqual(hr?.relations, { department: fake.departments[1] }, 'a person relates to its department');
  });

  check('a second resync changes nothing: no person upsert, same updatedAt', async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env());
    await ctx.resync(instance, 'completed');
    const before = await ctx.port.entities('fake-person');
    const upserts = (await ctx.port.requests('POST', '/v1/blueprints/fake-person/entities/**')).length;
    assertOk(upserts > 0, 'the first resync upserted persons');
    await ctx.resync(instance, 'completed');
    assertEqual((await ctx.port.requests('POST', '/v1/blueprints/fake-person/entities/**')).length, upserts, 'person upserts after the second resync');
    assertEqual((await ctx.port.requests('DELETE')).length, 0, 'DELETE requests');
    assertEqual(stamps(await ctx.port.entities('fake-person')), stamps(before), 'persons and their updatedAt');
  });

  check('an upstream removal (12 → 11 per department) deletes exactly the five *-11 persons', async (_h, ctx) => {
    const first = await ctx.configure(ctx.env());
    await ctx.resync(first, 'completed');
    await first.stop();
    const shrunk = await ctx.configure(ctx.env({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT - 1) }));
    await ctx.resync(shrunk, 'completed');
    assertEqual(ids(await ctx.port.entities('fake-person')), persons(AMOUNT - 1), 'persons after the removal');
    assertEqual(ids(await ctx.port.entities('fake-department')), [...fake.departments].sort(), 'departments after the removal');
  });

  check('a failing kind ends the resync failed and deletes nothing', async (_h, ctx) => {
    const first = await ctx.configure(ctx.env());
    await ctx.resync(first, 'completed');
    await first.stop();
    const mapping = (await ctx.port.integration(ctx.identifier))?.config as { resources: Array<Record<string, unknown>> } | undefined;
    assertOk(mapping?.resources?.length, 'the integration has a mapping after provisioning');
    const broken = { ...mapping, resources: [{ ...mapping!.resources[0], kind: 'fake-missing' }, ...mapping!.resources] };
    await ctx.port.patchConfig(ctx.identifier, broken);
    // Upstream also shrank: without the failure, the *-11 persons would be deleted.
    const shrunk = await ctx.configure(ctx.env({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT - 1) }));
    await ctx.resync(shrunk, 'failed');
    assertEqual(ids(await ctx.port.entities('fake-person')), persons(AMOUNT), 'persons after the failed resync');
    assertEqual((await ctx.port.requests('DELETE')).length, 0, 'DELETE requests');
    assertEqual((await ctx.port.integration(ctx.identifier))?.resyncState?.status, 'failed', 'resyncState.status');
  });

  check('a string mapped into a number property fails every person: completed, exit status 2, nothing deleted', async (_h, ctx) => {
    const first = await ctx.configure(ctx.env());
    await ctx.resync(first, 'completed');
    await first.stop();
    const mapping = (await ctx.port.integration(ctx.identifier))?.config as { resources: Array<any> } | undefined;
    const personResource = mapping?.resources?.find((r) => r.kind === 'fake-person');
    assertOk(personResource?.port?.entity?.mappings?.properties, 'the mapping has a fake-person resource with properties');
    personResource.port.entity.mappings.properties.age = '"old"';
    await ctx.port.patchConfig(ctx.identifier, mapping);
    const second = await ctx.configure(ctx.env());
    await ctx.resync(second, 'completed', 2);
    assertEqual(ids(await ctx.port.entities('fake-person')), persons(AMOUNT), 'persons after the failed writes');
    assertEqual((await ctx.port.requests('POST', '/v1/blueprints/*/bulk/entities/delete')).length, 0, 'bulk delete requests');
  });

  check('a live event POSTed to /integration/webhook updates an entity in Port', async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env({ OCEAN__BASE_URL: 'https://tide-contract.example.test' }));
    await ctx.resync(instance, 'completed');
    const person = { ...fake.person(2, 3), name: 'Renamed by a live event' };
    const res = await instance.fetch(
      new Request('http://tide.test/integration/webhook', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'person.updated', person }) }),
    );
    assertEqual(res.status, 200, `POST /integration/webhook status (${await res.clone().text()})`);
    assertEqual(await res.json(), { status: 'ok' }, 'POST /integration/webhook body');
    const entity = await waitFor('the live event to reach Port', async () => {
      const e = (await ctx.port.entities('fake-person')).find((x) => x.identifier === person.id);
      return e?.title === 'Renamed by a live event' ? e : undefined;
    }, options.liveEventTimeoutMs ?? 60_000);
    assertEqual(entity.properties.name, 'Renamed by a live event', 'the mapped name property');
    assertEqual(entity.datasource, ctx.datasource, 'the live write keeps our datasource');
  });

  check('the resync-state lifecycle in Port: running, then completed, with intervalInMinuets', async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env());
    await ctx.resync(instance, 'completed');
    const patches = await ctx.port.requests('PATCH', `/v1/integration/${ctx.identifier}/resync-state`);
    assertEqual(patches.map((p) => [p.body?.status, p.status]), [['running', 200], ['completed', 200]], 'resync-state PATCHes (status, HTTP status)');
    for (const p of patches) assertOk(p.body && 'intervalInMinuets' in p.body, `the ${p.body?.status} PATCH carries intervalInMinuets (Port's spelling): ${JSON.stringify(p.body)}`);
    assertOk(typeof patches[0].body.lastResyncStart === 'string' && patches[0].body.lastResyncEnd === null, 'running: lastResyncStart set, lastResyncEnd null');
    assertOk(typeof patches[1].body.lastResyncEnd === 'string', 'completed: lastResyncEnd set');
    assertEqual((await ctx.port.integration(ctx.identifier))?.resyncState?.status, 'completed', 'resyncState.status in Port');
  });

  check('health routes: /health/live and /health/ready', async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env());
    for (const route of ['live', 'ready']) {
      const res = await instance.fetch(new Request(`http://tide.test/health/${route}`));
      assertEqual(res.status, 200, `/health/${route} status`);
      const body = (await res.json()) as Record<string, unknown>;
      assertEqual([body.status, body.check], ['healthy', route], `/health/${route} body`);
    }
    const missing = await instance.fetch(new Request('http://tide.test/health/nope'));
    await missing.body?.cancel();
    assertEqual(missing.status, 404, '/health/nope status');
  });

  check('an incremental run writes exactly the changed persons, deletes nothing, and keeps its cursor for the next run', async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env({ OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '3' }));
    await ctx.resync(instance, 'completed');
    // What an incremental run must never send (§4.12): deletes, lookups, the ownership snapshot, resync state.
    const never: Array<[string, string]> = [
      ['DELETE', '/v1/**'],
      ['POST', '/v1/blueprints/*/bulk/entities/delete'],
      ['POST', '/v1/entities/search'],
      ['POST', '/v1/blueprints/entities/datasource-entities'],
      ['PATCH', `/v1/integration/${ctx.identifier}/resync-state`],
    ];
    const counts = async () => Promise.all(never.map(async ([method, path]) => (await ctx.port.requests(method, path)).length));
    const before = await counts();
    const bulkBefore = (await ctx.port.requests('POST', '/v1/blueprints/*/entities/bulk')).length;
    const first = await instance.incremental();
    assertEqual(first.outcome, 'completed', 'incremental outcome');
    assertEqual(first.resources.map((r) => [r.kind, r.index, r.upserted, r.deleted, r.advanced]), [['fake-person', 1, 3, 0, true]], 'incremental resources (kind, index, upserted, deleted, advanced)');
    const bulk = (await ctx.port.requests('POST', '/v1/blueprints/*/entities/bulk')).slice(bulkBefore);
    const changed = [0, 1, 2].map((i) => `${fake.departments[0]}-${i}`);
    assertEqual(bulk.map((r) => [r.path, r.body.entities.map((e: { identifier: string }) => e.identifier)]), [['/v1/blueprints/fake-person/entities/bulk', changed]], 'bulk upserts of the incremental run');
    assertEqual(bulk[0].query.ocean_info_event_type, 'incremental_resync', 'the writes are attributed to an incremental_resync event');
    assertEqual(await counts(), before, `requests of ${never.map(([m, p]) => `${m} ${p}`).join(', ')}`);
    assertEqual(ids(await ctx.port.entities('fake-person', ctx.datasource)), persons(AMOUNT), 'every person is still there');

    const second = await instance.incremental();
    const expected = new Date(Date.parse(first.resources[0].cursor!) - 60_000).toISOString();
    assertEqual(second.resources[0].since, expected, "the second run's window starts at the stored cursor less 60 s");
  });

  check('a failing incremental resource keeps its cursor, and the next run reads the same window again', async (_h, ctx) => {
    const instance = await ctx.configure(ctx.env({ OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '2' }));
    await ctx.resync(instance, 'completed');
    const first = await instance.incremental();
    assertEqual(first.outcome, 'completed', 'first incremental outcome');
    const mapping = (await ctx.port.integration(ctx.identifier))?.config as { resources: Array<{ kind: string; selector: Record<string, unknown> }> };
    // A selector that is not a boolean is a kind error (§4.12: as in a resync).
    const broken = { ...mapping, resources: mapping.resources.map((r) => (r.kind === 'fake-person' ? { ...r, selector: { ...r.selector, query: '"yes"' } } : r)) };
    await ctx.port.patchConfig(ctx.identifier, broken);
    const failed = await instance.incremental();
    assertEqual(failed.outcome, 'failed', 'outcome with a broken selector');
    assertEqual([failed.resources[0].advanced, failed.resources[0].cursor], [false, first.resources[0].cursor], 'the failed resource keeps its cursor');
    assertOk(failed.resources[0].error?.includes('selector'), `the resource's error names the selector: ${failed.resources[0].error}`);
    await ctx.port.patchConfig(ctx.identifier, mapping);
    const again = await instance.incremental();
    assertEqual([again.outcome, again.resources[0].since, again.resources[0].advanced], ['completed', failed.resources[0].since, true], 'the next run reads the same window again');
  });

  if (registered !== total) throw new Error(`runtimeContract: ${registered} checks registered, ${total} expected`);
}

interface CheckContext {
  identifier: string;
  datasource: string;
  port: ReturnType<typeof createPortProbe>;
  env(extra?: Record<string, string>): Record<string, string>;
  configure(env: Record<string, string>): Promise<RuntimeInstance>;
  /** Run a resync and check its status and exit status (default: 0 when completed, 1 when failed). */
  resync(instance: RuntimeInstance, expected: 'completed' | 'failed', exitCode?: number): Promise<void>;
}

const ids = (entities: CatalogEntity[]) => entities.map((e) => e.identifier).sort();
const stamps = (entities: CatalogEntity[]) => entities.map((e) => `${e.identifier} ${e.updatedAt}`).sort();
