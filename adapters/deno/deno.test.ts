/**
 * The Deno adapter, run by the real deno binary (the `deno` npm package's node_modules/.bin/deno)
 * against the real emulator, which runs here in Node on loopback. Each test spawns deno and asserts its
 * exit code and what it left in the emulator. The Deno-side suites are *.deno-test.ts files (vitest does
 * not collect them); adapters/deno/deno.json enables Deno KV and resolves npm packages from node_modules.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient } from 'port-tide/testing';
import { DENO_CONFIG as CONFIG, ROOT, output, runDeno as runDenoWithin, type RunDenoOptions } from './test-support.ts';

const CLIENT_ID = 'deno-adapter-client';
const CLIENT_SECRET = 'deno-adapter-secret-7d2e90';
const IDENTIFIER = 'fake-deno';
/** A bound on each deno process (type-checking the core on a loaded 2-core machine takes a while). */
const PROCESS_TIMEOUT_MS = 150_000;
const runDeno = (args: string[], o: Omit<RunDenoOptions, 'timeoutMs'> = {}) => runDenoWithin(args, { ...o, timeoutMs: PROCESS_TIMEOUT_MS });


let emulator: PortEmulator;
let portUrl: string;
const portEnv = (extra: Record<string, string> = {}) => ({
  OCEAN__PORT__BASE_URL: portUrl,
  OCEAN__PORT__CLIENT_ID: CLIENT_ID,
  OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
  OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
  OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '2',
  ...extra,
});

const port = () => emulatorClient({ baseUrl: portUrl, credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
const entities = () => port().entities();
async function integration(): Promise<{ resyncState?: { status?: string } } | undefined> {
  const res = await port().api('GET', `/v1/integration/${IDENTIFIER}`);
  return res.status === 200 ? res.body.integration : undefined;
}
const count = (all: Array<{ blueprint: string }>, blueprint: string) => all.filter((e) => e.blueprint === blueprint).length;
const list = (all: Array<{ blueprint: string; identifier: string }>, blueprint: string) =>
  all
    .filter((e) => e.blueprint === blueprint)
    .map((e) => e.identifier)
    .sort();

beforeAll(async () => {
  emulator = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  portUrl = await emulator.listen(0);
});
afterAll(async () => {
  await emulator?.close();
});

// The tests share one emulator and run in order: the runtime suite creates the catalog, main.ts then
// shrinks it (an upstream removal), then serves until SIGTERM.
describe('Deno adapter on the real deno binary', { timeout: 2 * PROCESS_TIMEOUT_MS }, () => {
  it('type-checks under deno check (the root tsconfig leaves adapters/deno out)', async () => {
    const files = ['serve.ts', 'main.ts', 'kv-state-store.ts', 'kv-state-store.deno-test.ts', 'runtime.deno-test.ts'];
    const r = await runDeno(['check', '--quiet', '--config', CONFIG, ...files.map((f) => join('adapters', 'deno', f))]);
    expect(r.code, output(r)).toBe(0);
  });

  it('the StateStore contract passes on Deno KV (file and :memory:)', async () => {
    const r = await runDeno(['test', '-A', '--no-check', '--config', CONFIG, 'adapters/deno/kv-state-store.deno-test.ts']);
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout, output(r)).toMatch(/ok \| 22 passed \| 0 failed/);
  });

  it('the runtime suite passes on Deno: settings, two resyncs, health, a live event, serve() ONCE and without credentials', async () => {
    const r = await runDeno(['test', '-A', '--no-check', '--config', CONFIG, 'adapters/deno/runtime.deno-test.ts'], { env: portEnv() });
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout, output(r)).toMatch(/ok \| 6 passed \| 0 failed/);
    // What the Deno process left in Port: the whole catalog, and a completed resync state.
    const list = await entities();
    expect(count(list, 'fake-department')).toBe(5);
    expect(count(list, 'fake-person')).toBe(10);
    expect((await integration())?.resyncState?.status).toBe('completed');
  });

  it('main.ts --once in a fresh working directory: state in .tide/state.kv, a grown catalog, then an upstream removal deletes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tide-deno-main-'));
    const once = (entityAmount: number) =>
      runDeno(['run', '-A', '--no-check', join(ROOT, 'adapters', 'deno', 'main.ts'), 'fake', '--once'], {
        cwd,
        env: portEnv({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(entityAmount), APPLICATION__PORT: '0' }),
      });
    const persons = (n: number) => ['finance', 'hr', 'marketing', 'morpazia', 'support'].flatMap((d) => Array.from({ length: n }, (_, i) => `${d}-${i}`)).sort();
    try {
      // 12 persons per department: pages of more than 10, so unchanged entities are not rewritten and
      // stay in the deletion snapshot (the deletion rate is then 5/60, under the 0.9 threshold).
      const grown = await once(12);
      expect(grown.code, output(grown)).toBe(0);
      // ONCE serves no HTTP (docs/behaviour.md §8.1).
      expect(grown.stdout).not.toMatch(/listening on/);
      expect(grown.stdout).toMatch(/resync [0-9a-f-]+: completed/);
      expect(`${grown.stdout}${grown.stderr}`).not.toContain(CLIENT_SECRET);
      expect(existsSync(join(cwd, '.tide', 'state.kv'))).toBe(true);
      expect(list(await entities(), 'fake-person'), output(grown)).toEqual(persons(12));

      // One person fewer per department upstream: exactly the five `*-11` persons are deleted.
      const shrunk = await once(11);
      expect(shrunk.code, output(shrunk)).toBe(0);
      expect(shrunk.stdout, output(shrunk)).toMatch(/deletions deleted/);
      const after = await entities();
      expect(list(after, 'fake-department')).toHaveLength(5);
      expect(list(after, 'fake-person'), output(shrunk)).toEqual(persons(11));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('main.ts serves until SIGTERM, answering /health/live over HTTP, then exits 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tide-deno-signal-'));
    let health: { status: number; body: unknown } | undefined;
    let probe: Promise<void> | undefined;
    try {
      const r = await runDeno(['run', '-A', '--no-check', join(ROOT, 'adapters', 'deno', 'main.ts'), 'fake'], {
        cwd,
        env: portEnv({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', APPLICATION__PORT: '0' }),
        onStdout: (soFar, child) => {
          // 127.0.0.1 unless APPLICATION__HOST says otherwise (docs/behaviour.md §8.1).
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(soFar);
          if (!m) return false;
          probe = (async () => {
            try {
              const res = await fetch(`http://127.0.0.1:${m[1]}/health/live`);
              health = { status: res.status, body: await res.json() };
            } finally {
              child.kill('SIGTERM');
            }
          })();
          return true;
        },
      });
      await probe;
      expect(r.code, output(r)).toBe(0);
      expect(health).toMatchObject({ status: 200, body: { status: 'healthy', check: 'live' } });
      expect(r.stdout).toContain('shutting down');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
