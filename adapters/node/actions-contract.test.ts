/**
 * The actions contract (src/testing/actions-contract.ts) on Node: `sail()` of the bundled fake integration, its
 * action agent running in the process, against a real emulator on loopback. A shutdown is `stop()` of the run,
 * the path SIGINT and SIGTERM take (signals.test.ts sends a real SIGTERM to `tide sail`).
 */
import { afterAll, describe, it } from 'vitest';
import { createPortEmulator } from 'port-tide/emulator';
import { actionsContract, processInstance, type ActionsHarness, type ActionsInstance } from 'port-tide/testing';
import { sail } from './sail.ts';
import { tempCwd } from './test-support.ts';

const credentials = { clientId: 'node-actions-client', clientSecret: 'node-actions-secret-7d21' };
const emulator = createPortEmulator({ credentials: [credentials] });
let listening: Promise<string> | undefined;

async function nodeHarness(): Promise<ActionsHarness> {
  const emulatorUrl = await (listening ??= emulator.listen(0));
  return {
    name: 'node',
    emulatorUrl,
    credentials,
    async start(env): Promise<ActionsInstance> {
      const cwd = tempCwd();
      const lines: string[] = [];
      const run = await sail({
        integration: 'fake',
        cwd: cwd.dir,
        httpPort: 0,
        handleSignals: false,
        logFormat: 'json',
        out: (line) => void lines.push(line),
        env: { OCEAN__PORT__BASE_URL: emulatorUrl, OCEAN__PORT__CLIENT_ID: credentials.clientId, OCEAN__PORT__CLIENT_SECRET: credentials.clientSecret, ...env },
      });
      if (run.exitCode !== undefined || !run.tide?.actions) {
        cwd.remove();
        throw new Error(`sail() did not start an action agent (exit ${run.exitCode}):\n${lines.join('\n')}`);
      }
      let stopped: Promise<void> | undefined;
      return processInstance(() => (stopped ??= run.stop().finally(() => cwd.remove())));
    },
  };
}

afterAll(async () => {
  if (listening) await emulator.close().catch(() => {});
});

describe('actions contract on Node (sail, the agent in process, real emulator)', () => {
  actionsContract(nodeHarness, { test: (name, fn) => it(name, fn, 120_000) });
});
