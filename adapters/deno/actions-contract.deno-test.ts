/**
 * The actions contract (src/testing/actions-contract.ts) on Deno, run by the real deno binary against a real
 * emulator that adapters/deno/actions-contract.test.ts (vitest, Node) starts and passes in
 * TIDE_CONTRACT_PORT_URL / _CLIENT_ID / _CLIENT_SECRET. An instance is a long-running `serve()` of the fake
 * integration whose action agent runs in the Deno process; a shutdown is `stop()`, the path Deno's SIGTERM takes.
 *
 *   deno test -A --config adapters/deno/deno.json adapters/deno/actions-contract.deno-test.ts
 */
import fake from '../../integrations/fake/index.ts';
import { actionsContract, processInstance, type ActionsHarness, type ActionsInstance } from 'port-tide/testing';
import { openKvStateStore } from './kv-state-store.ts';
import { serve } from './serve.ts';

const emulatorUrl = Deno.env.get('TIDE_CONTRACT_PORT_URL');
const clientId = Deno.env.get('TIDE_CONTRACT_CLIENT_ID');
const clientSecret = Deno.env.get('TIDE_CONTRACT_CLIENT_SECRET');
if (!emulatorUrl || !clientId || !clientSecret) {
  throw new Error('actions-contract.deno-test.ts needs an emulator in TIDE_CONTRACT_PORT_URL/_CLIENT_ID/_CLIENT_SECRET: run it through `vitest run --project deno`');
}
const FAKE_DIR = decodeURIComponent(new URL('../../integrations/fake/', import.meta.url).pathname);

const harness: ActionsHarness = {
  name: 'deno',
  emulatorUrl,
  credentials: { clientId, clientSecret },
  async start(vars): Promise<ActionsInstance> {
    const dir = await Deno.makeTempDir({ prefix: 'tide-deno-actions-' });
    const state = await openKvStateStore(`${dir}/state.kv`, { prefix: ['tide', vars.OCEAN__INTEGRATION__IDENTIFIER ?? 'unknown'] });
    const lines: string[] = [];
    const cleanup = async () => {
      state.close();
      await Deno.remove(dir, { recursive: true });
    };
    const run = await serve(fake, {
      dir: FAKE_DIR,
      cwd: dir,
      port: 0,
      hostname: '127.0.0.1',
      state,
      handleSignals: false,
      logFormat: 'json',
      out: (line) => void lines.push(line),
      env: { OCEAN__PORT__BASE_URL: emulatorUrl, OCEAN__PORT__CLIENT_ID: clientId, OCEAN__PORT__CLIENT_SECRET: clientSecret, ...vars },
    });
    if (run.exitCode !== undefined || !run.tide?.actions) {
      await cleanup();
      throw new Error(`serve() did not start an action agent (exit ${run.exitCode}):\n${lines.join('\n')}`);
    }
    let stopped: Promise<void> | undefined;
    return processInstance(() => (stopped ??= run.stop().finally(cleanup)));
  },
};

actionsContract(() => harness, {
  test: (name, fn) => Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false }),
});
