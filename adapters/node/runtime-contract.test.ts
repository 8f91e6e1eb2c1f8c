/**
 * The runtime contract (src/testing/runtime-contract.ts) on Node: `sail()` of the bundled fake
 * integration against a real emulator on loopback. An instance is a long-running `sail()`
 * (WEBHOOKS_ONLY, its HTTP server on a free port); `resync()` is `sail()` with the ONCE listener in the
 * same working directory (the `tide sail fake --once` path), and `incremental()` the same with
 * `incrementalSyncEnabled` (cursors in the working directory's `.tide/state`).
 */
import { afterAll, describe, it } from 'vitest';
import { createPortEmulator } from 'port-tide/emulator';
import { FAKE_DEPARTMENTS, fakePerson } from '../../integrations/fake/index.ts';
import type { RuntimeHarness, RuntimeInstance } from 'port-tide/testing';
import { runtimeContract } from 'port-tide/testing';
import { sail } from './sail.ts';
import { tempCwd } from './test-support.ts';

const credentials = { clientId: 'node-contract-client', clientSecret: 'node-contract-secret-51b0' };
const emulator = createPortEmulator({ credentials: [credentials] });
let listening: Promise<string> | undefined;

async function nodeHarness(): Promise<RuntimeHarness> {
  const emulatorUrl = await (listening ??= emulator.listen(0));
  return {
    name: 'node',
    emulatorUrl,
    credentials,
    async configure(env): Promise<RuntimeInstance> {
      const cwd = tempCwd();
      const lines: string[] = [];
      const settings = (listener: string) => ({
        OCEAN__PORT__BASE_URL: emulatorUrl,
        OCEAN__PORT__CLIENT_ID: credentials.clientId,
        OCEAN__PORT__CLIENT_SECRET: credentials.clientSecret,
        OCEAN__EVENT_LISTENER__TYPE: listener,
        ...env,
      });
      const common = { integration: 'fake', cwd: cwd.dir, httpPort: 0, handleSignals: false, logFormat: 'json' as const, out: (line: string) => void lines.push(line) };
      const server = await sail({ ...common, env: settings('WEBHOOKS_ONLY') });
      if (server.exitCode !== undefined || !server.url) {
        cwd.remove();
        throw new Error(`sail() did not start (exit ${server.exitCode}):\n${lines.join('\n')}`);
      }
      return {
        async resync() {
          const once = await sail({ ...common, env: { ...settings('ONCE'), OCEAN__EVENT_LISTENER__TYPE: 'ONCE' } });
          if (!once.report) throw new Error(`sail() ONCE ran no resync (exit ${once.exitCode}):\n${lines.join('\n')}`);
          return { ...once.report, exitCode: once.exitCode ?? -1 };
        },
        async incremental() {
          // `tide sail --once` with incrementalSyncEnabled: one incremental run instead of the resync.
          const once = await sail({ ...common, env: { ...settings('ONCE'), OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true' } });
          if (!once.incrementalReport) throw new Error(`sail() ONCE ran no incremental run (exit ${once.exitCode}):\n${lines.join('\n')}`);
          const expected = once.incrementalReport.outcome === 'completed' || once.incrementalReport.outcome === 'no-op' ? 0 : 1;
          if (once.exitCode !== expected) throw new Error(`sail() ONCE exited ${once.exitCode} after an incremental run ${once.incrementalReport.outcome}`);
          return once.incrementalReport;
        },
        async fetch(request) {
          const url = new URL(request.url);
          return fetch(new Request(`${server.url}${url.pathname}${url.search}`, request));
        },
        async stop() {
          await server.stop();
          cwd.remove();
        },
      };
    },
  };
}

afterAll(async () => {
  if (listening) await emulator.close().catch(() => {});
});

describe('runtime contract on Node (sail, real emulator)', () => {
  runtimeContract(nodeHarness, {
    test: (name, fn) => it(name, fn),
    fake: { departments: FAKE_DEPARTMENTS.map((d) => d.id), person: (d, i) => fakePerson(FAKE_DEPARTMENTS[d], i) },
  });
});
