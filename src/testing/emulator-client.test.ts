/**
 * The one test client of the emulator, as an integration author uses it from `port-tide/testing`: in-process
 * through the emulator's own fetch and over loopback, its controls, its errors and Port's API signed in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient } from './emulator-client.ts';

const credentials = { clientId: 'client-test', clientSecret: 'client-test-secret' };
const team = { identifier: 'team', title: 'Team', schema: { properties: {} }, relations: {} };
let emulator: PortEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe.each(['inProcess', 'loopback'] as const)('emulatorClient (%s)', (transport) => {
  const start = async (adminToken?: string) => {
    emulator = createPortEmulator({ credentials: [credentials], adminToken });
    const baseUrl = transport === 'loopback' ? await emulator.listen(0) : 'http://port.local';
    return emulatorClient({ baseUrl, fetch: transport === 'loopback' ? undefined : emulator.fetch, credentials, adminToken });
  };

  it('seeds, reads the catalog and the request log, and signs in to Port’s API', async () => {
    const port = await start();
    await port.seed({ blueprints: [team], entities: [{ blueprint: 'team', identifier: 'b', title: 'B' }, { blueprint: 'team', identifier: 'a', title: 'A' }] });
    expect(await port.ids('team')).toEqual(['a', 'b']);
    const created = await port.api('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 'c', title: 'C' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await port.entities('team')).find((e) => e.identifier === 'c')).toMatchObject({ title: 'C', blueprint: 'team' });
    expect((await port.requests({ method: 'POST', path: '/v1/blueprints/*/entities' })).map((r) => r.body.identifier)).toEqual(['c']);
    await port.clearRequests();
    expect(await port.requests({ method: 'POST' })).toEqual([]);
    expect((await port.api('GET', '/v1/blueprints/team', undefined, { token: false })).status).toBe(401);
  });

  it('a failed control names the call and the answer; reset empties the organisation and signs in again', async () => {
    const port = await start();
    await expect(port.admin('GET', '/no-such-control')).rejects.toThrow(/emulator GET \/_emulator\/no-such-control: HTTP 404/);
    await port.seed({ blueprints: [team] });
    expect((await port.api('GET', '/v1/blueprints/team')).status).toBe(200);
    await port.reset();
    expect((await port.api('GET', '/v1/blueprints/team')).status).toBe(404);
  });

  it('sends the admin token the emulator was started with; without it a control is refused', async () => {
    const port = await start('admin-token-1');
    expect(await port.ids('team')).toEqual([]);
    const stranger = emulatorClient({ baseUrl: port.baseUrl, fetch: transport === 'loopback' ? undefined : emulator!.fetch });
    expect((await stranger.control('GET', '/entities')).status).toBe(401);
  });
});
