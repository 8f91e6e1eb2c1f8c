/**
 * Action runs per second through the emulator: runs created through `/_emulator/actions/runs`, claimed,
 * acknowledged, executed and reported by one action agent with `workersCount` 1, 4 and 16, each run's executor
 * taking 50 ms. The emulator runs in its own process (as `npm run port-local` runs it), Port's rate limits off.
 *
 *   npx tsx bench/actions.ts [--runs-per-worker 40] [--executor-ms 50] [--workers 1,4,16]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettingsOrThrow } from '../src/config/index.ts';
import { createTide, defineIntegration, type Tide } from 'port-tide';
import { startEmulatorProcess } from './support.ts';
import { emulatorClient } from 'port-tide/testing';

const { values } = parseArgs({
  options: {
    'runs-per-worker': { type: 'string', default: '40' },
    'executor-ms': { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,4,16' },
  },
});
const perWorker = Number(values['runs-per-worker']);
const executorMs = Number(values['executor-ms']);
const workerCounts = values.workers!.split(',').map(Number);
const INSTALLATION = 'bench-actions';

const bench = defineIntegration({
  type: 'bench',
  version: '0.0.0',
  kinds: {},
  actions: {
    sleep: {
      run: () => new Promise<void>((resolve) => setTimeout(resolve, executorMs)),
    },
  },
});

const { baseUrl, child } = await startEmulatorProcess(join(mkdtempSync(join(tmpdir(), 'tide-bench-actions-')), 'port.db'));
const { admin } = emulatorClient({ baseUrl });

/** Port as the agent sees it, counting the runs it reported successful (so the clock stops at the last report). */
function countingFetch(onSuccess: () => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (init?.method === 'PATCH' && response.ok && /\/v1\/actions\/runs\/r_/.test(url) && String(init.body).includes('"SUCCESS"')) onSuccess();
    return response;
  };
}

function agentTide(workers: number, onSuccess: () => void): Tide {
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__BASE_URL: baseUrl,
      OCEAN__PORT__CLIENT_ID: 'tide-local',
      OCEAN__PORT__CLIENT_SECRET: 'tide-local-secret',
      OCEAN__INTEGRATION__IDENTIFIER: INSTALLATION,
      OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY',
      OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true',
      OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT: String(workers),
      OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS: '1',
      // No per-action cap: every run is of one action, as in a burst of one self-service action.
      OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION: 'null',
    },
    spec: { actionsProcessingEnabled: true, configurations: [] },
    integrationDefaults: { type: bench.type, version: bench.version },
    actionTypes: ['sleep'],
  });
  return createTide({ integration: bench, settings, fetch: countingFetch(onSuccess) });
}

const rows: string[][] = [];
try {
  for (const workers of workerCounts) {
    await admin('POST', '/reset', {});
    const total = perWorker * workers;
    for (let i = 0; i < total; i++) await admin('POST', '/actions/runs', { installationId: INSTALLATION, type: 'sleep' });
    let reported = 0;
    let finished!: () => void;
    const all = new Promise<void>((resolve) => (finished = resolve));
    const tide = agentTide(workers, () => ++reported === total && finished());
    const started = performance.now();
    tide.actions!.start();
    await all;
    const seconds = (performance.now() - started) / 1000;
    await tide.stop();
    const succeeded = (await admin('GET', `/runs?installationId=${INSTALLATION}&status=SUCCESS`)).runs.length;
    if (succeeded !== total) throw new Error(`${succeeded} of ${total} runs ended SUCCESS`);
    const ceiling = (workers * 1000) / executorMs;
    rows.push([String(workers), String(total), seconds.toFixed(2), (total / seconds).toFixed(1), ceiling.toFixed(0), `${((100 * total) / seconds / ceiling).toFixed(0)}%`]);
    console.error(`workersCount ${workers}: ${total} runs in ${seconds.toFixed(2)} s`);
  }
} finally {
  child.kill();
}

const header = ['workersCount', 'runs', 'seconds', 'runs/s', `ceiling (workers × 1000 / ${executorMs} ms)`, 'of ceiling'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(`action runs through the emulator (each executor takes ${executorMs} ms; claim, ack, execute, PATCH SUCCESS)`);
console.log(line(header));
for (const r of rows) console.log(line(r));
