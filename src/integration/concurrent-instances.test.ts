/**
 * Two instances of one integration (same identifier), configured differently and sharing nothing but Port:
 * the lease in Port's resync state (docs/behaviour.md §4.8) lets one resync at a time write. Each instance is a
 * createTide of the fake integration with its own StateStore, both against one emulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient, type EmulatorClient } from 'port-tide/testing';
import { FAKE_DEPARTMENTS } from '../../integrations/fake/index.ts';
import { createMemoryStateStore, type StateStore } from '../state/index.ts';
import type { Tide } from './create-tide.ts';
import { fakeTide } from './test-support.ts';

const CREDS = { clientId: 'twins-id', clientSecret: 'twins-secret' };
const BASE = 'http://emulator.local';

let emulator: PortEmulator;
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  port = emulatorClient({ baseUrl: BASE, fetch: emulator.fetch, credentials: CREDS });
});
afterEach(() => emulator.close());

/** One instance: `amount` persons per department, its own StateStore unless given one. */
const instance = (amount: number, extra: Record<string, string> = {}, state: StateStore = createMemoryStateStore()): Tide =>
  fakeTide({ emulator, baseUrl: BASE, credentials: CREDS, state, env: { OCEAN__INTEGRATION__IDENTIFIER: 'twins', OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(amount), ...extra } });

let port: EmulatorClient;
const persons = async () => (await port.entities('fake-person')).map((e) => e.identifier).sort();
const expected = (amount: number) => FAKE_DEPARTMENTS.flatMap((d) => Array.from({ length: amount }, (_, i) => `${d.id}-${i}`)).sort();
const resyncState = async () => (await port.api('GET', '/v1/integration/twins')).body.integration?.resyncState;
const statePatches = async () => (await port.requests({ method: 'PATCH', path: '/v1/integration/twins/resync-state' })).map((r) => r.body.status as string);
const patchState = (body: Record<string, unknown>) => port.api('PATCH', '/v1/integration/twins/resync-state', body);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 2000; i += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('two instances of one integration, configured differently', () => {
  it('the one that starts while the other resyncs refuses and writes nothing; the catalog is exactly the running one\'s', async () => {
    // A pages slowly, so it is still running when B starts.
    const a = instance(3, { OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '100' });
    const b = instance(5);
    await a.provision();
    const first = a.resync();
    await until('A to report running', async () => (await resyncState())?.status === 'running');
    const refused = await b.resync();
    expect(refused.status).toBe('failed');
    expect(refused.errors.join('\n')).toContain('another instance of integration "twins" is resyncing');
    expect(refused.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'resync-error', counts: { deleted: 0 } });
    expect((await first).status).toBe('completed');
    expect(await persons()).toEqual(expected(3));
    // B sent no resync state: only A's running and completed.
    expect(await statePatches()).toEqual(['running', 'completed']);

    // Once A has finished, B may resync, and the catalog is exactly B's.
    expect((await b.resync()).status).toBe('completed');
    expect(await persons()).toEqual(expected(5));
  });

  it('a running state left behind by a stopped instance elsewhere blocks only until its lease runs out', async () => {
    const a = instance(3);
    await a.provision();
    // A resync that reported running and was never heard of again (its host died).
    const patch = await patchState({ status: 'running', lastResyncStart: new Date().toISOString(), lastResyncEnd: null, nextResync: null, intervalInMinuets: null });
    expect(patch.status).toBe(200);
    expect((await a.resync()).status).toBe('failed');
    // Six minutes later by Port's clock the lease is stale: the resync runs.
    await port.admin('POST', '/clock', { advanceSeconds: 360 });
    expect((await a.resync()).status).toBe('completed');
    expect(await persons()).toEqual(expected(3));
  });

  it('an instance rerun after being killed mid-resync recognises its own running state and resyncs at once', async () => {
    const state = createMemoryStateStore();
    const build = () => instance(3, { OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '50' }, state);
    const killed = build();
    await killed.provision();
    void killed.resync();
    await until('the first run to report running', async () => (await resyncState())?.status === 'running');
    // The process is gone without a word: nothing reports aborted. Its successor shares its StateStore.
    const rerun = build();
    expect((await rerun.resync()).status).toBe('completed');
    expect(await persons()).toEqual(expected(3));
    await killed.stop();
  });

  it('a resync whose running state another instance took over stops before reconciling and deletes nothing', async () => {
    const a = instance(3, { OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '100' });
    await a.provision();
    // A catalog with stale persons that only a reconciliation would delete.
    expect((await instance(6).resync()).status).toBe('completed');
    const first = a.resync();
    await until('A to report running', async () => (await resyncState())?.status === 'running' && (await statePatches()).length === 3);
    // Another instance, which found A's lease stale, reports its own resync running (as B's startPhase does).
    const takeover = { status: 'running', lastResyncStart: new Date(Date.now() + 1000).toISOString(), lastResyncEnd: null, nextResync: null, intervalInMinuets: null };
    expect((await patchState(takeover)).status).toBe(200);
    const report = await first;
    expect(report.status).toBe('aborted');
    expect(report.abortReason).toBe('superseded');
    expect(report.errors.join('\n')).toContain('superseded by another instance');
    expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'aborted', counts: { deleted: 0 } });
    expect(await persons()).toEqual(expected(6));
    // A wrote no end state over the other instance's running one.
    expect(await resyncState()).toMatchObject({ status: 'running', lastResyncStart: takeover.lastResyncStart });
  });
});
