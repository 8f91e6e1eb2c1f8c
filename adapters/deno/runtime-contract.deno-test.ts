/**
 * The runtime contract (src/testing/runtime-contract.ts) on Deno, run by the real deno binary against a
 * real emulator that adapters/deno/runtime-contract.test.ts (vitest, Node) starts and passes in
 * TIDE_CONTRACT_PORT_URL / _CLIENT_ID / _CLIENT_SECRET. The suite resets that emulator before each check.
 * An instance is a long-running `serve()` (WEBHOOKS_ONLY, Deno.serve on a free port, state in a Deno KV
 * file); `resync()` is `serve()` with the ONCE listener over the same state.
 *
 *   deno test -A --config adapters/deno/deno.json adapters/deno/runtime-contract.deno-test.ts
 */
import fake, { FAKE_DEPARTMENTS, fakePerson } from '../../integrations/fake/index.ts';
import { runtimeContract, type RuntimeHarness, type RuntimeInstance } from 'port-tide/testing';
import { openKvStateStore } from './kv-state-store.ts';
import { serve } from './serve.ts';

const emulatorUrl = Deno.env.get('TIDE_CONTRACT_PORT_URL');
const clientId = Deno.env.get('TIDE_CONTRACT_CLIENT_ID');
const clientSecret = Deno.env.get('TIDE_CONTRACT_CLIENT_SECRET');
if (!emulatorUrl || !clientId || !clientSecret) {
  throw new Error('runtime-contract.deno-test.ts needs an emulator in TIDE_CONTRACT_PORT_URL/_CLIENT_ID/_CLIENT_SECRET: run it through `vitest run --project deno`');
}
const FAKE_DIR = decodeURIComponent(new URL('../../integrations/fake/', import.meta.url).pathname);

const harness: RuntimeHarness = {
  name: 'deno',
  emulatorUrl,
  credentials: { clientId, clientSecret },
  async configure(vars): Promise<RuntimeInstance> {
    const dir = await Deno.makeTempDir({ prefix: 'tide-deno-contract-' });
    const state = await openKvStateStore(`${dir}/state.kv`, { prefix: ['tide', vars.OCEAN__INTEGRATION__IDENTIFIER ?? 'unknown'] });
    const lines: string[] = [];
    const cleanup = async () => {
      state.close();
      await Deno.remove(dir, { recursive: true });
    };
    const settings = (listener: string) => ({
      OCEAN__PORT__BASE_URL: emulatorUrl,
      OCEAN__PORT__CLIENT_ID: clientId,
      OCEAN__PORT__CLIENT_SECRET: clientSecret,
      OCEAN__EVENT_LISTENER__TYPE: listener,
      ...vars,
    });
    const common = { dir: FAKE_DIR, cwd: dir, port: 0, hostname: '127.0.0.1', state, handleSignals: false, logFormat: 'json' as const, out: (line: string) => void lines.push(line) };
    const server = await serve(fake, { ...common, env: settings('WEBHOOKS_ONLY') });
    if (server.exitCode !== undefined || !server.url) {
      await cleanup();
      throw new Error(`serve() did not start (exit ${server.exitCode}):\n${lines.join('\n')}`);
    }
    return {
      async resync() {
        const once = await serve(fake, { ...common, env: { ...settings('ONCE'), OCEAN__EVENT_LISTENER__TYPE: 'ONCE' } });
        if (!once.report) throw new Error(`serve() ONCE ran no resync (exit ${once.exitCode}):\n${lines.join('\n')}`);
        return { ...once.report, exitCode: once.exitCode ?? -1 };
      },
      async incremental() {
        // ONCE with incrementalSyncEnabled: one incremental run, its cursors in the same Deno KV.
        const once = await serve(fake, { ...common, env: { ...settings('ONCE'), OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true' } });
        if (!once.incrementalReport) throw new Error(`serve() ONCE ran no incremental run (exit ${once.exitCode}):\n${lines.join('\n')}`);
        return once.incrementalReport;
      },
      fetch(request) {
        const url = new URL(request.url);
        return fetch(new Request(`${server.url}${url.pathname}${url.search}`, request));
      },
      async stop() {
        await server.stop();
        await cleanup();
      },
    };
  },
};

runtimeContract(() => harness, {
  // Each check awaits its instances' stop(); the resource sanitizer would still see KV and HTTP handles
  // that Deno releases a tick later.
  test: (name, fn) => Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false }),
  fake: { departments: FAKE_DEPARTMENTS.map((d) => d.id), person: (d, i) => fakePerson(FAKE_DEPARTMENTS[d], i) },
});
