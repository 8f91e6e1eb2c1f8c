/**
 * Incremental runs against a full resync: the fake integration's catalog (100,000 persons by default) in the
 * local Port emulator over loopback (its own process, rate limits off), created once by a first resync. Then,
 * measured one by one: a full resync of the unchanged catalog, and incremental runs in which 10, 1,000 and
 * 10,000 persons changed (`changedPersons`). For each: wall time, Tide's CPU time, and the Port requests it
 * made (read back from the emulator's request log), with the bulk upserts among them. An incremental run's
 * requests follow the changes, a resync's the catalog.
 *
 *   npm run bench:incremental -- [--size 100000] [--changed 10,1000,10000] [--kb 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFakeTide, startEmulatorProcess } from './support.ts';
import { emulatorClient } from 'port-tide/testing';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '100000' }, changed: { type: 'string', default: '10,1000,10000' }, kb: { type: 'string', default: '1' } },
});
const size = Number(values.size);
const changed = values.changed!.split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'tide-bench-incremental-'));
const { baseUrl, child } = await startEmulatorProcess(join(dir, 'port.db'));

const port = emulatorClient({ baseUrl });
const admin = (path: string, method = 'GET'): Promise<any> => port.admin(method, path);

/** Port requests made by `run`, from the request log (each run starts with an empty log). */
async function measure(label: string, run: () => Promise<string>): Promise<string[]> {
  await admin('/requests', 'DELETE');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const log: Array<{ method: string; path: string; ingest?: boolean }> = (await admin('/requests?limit=100000&ingest=false')).requests;
  const bulk = log.filter((r) => r.method === 'POST' && r.path.endsWith('/entities/bulk')).length;
  return [label, outcome, seconds.toFixed(2), ((used.user + used.system) / 1e6).toFixed(2), String(log.length), String(bulk)];
}

try {
  const base = createFakeTide(baseUrl, size, values.kb!);
  await base.provision();
  const first = performance.now();
  const created = await base.resync();
  console.log(`catalog: ${size} persons + 5 departments created by a first resync in ${((performance.now() - first) / 1000).toFixed(1)} s (${created.status})`);

  const rows: string[][] = [];
  rows.push(await measure('full resync, nothing changed', async () => (await createFakeTide(baseUrl, size, values.kb!).resync()).status));
  for (const n of changed) {
    const tide = createFakeTide(baseUrl, size, values.kb!, { env: { OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: String(n) } });
    rows.push(
      await measure(`incremental, ${n} changed`, async () => {
        const report = await tide.incremental();
        const upserted = report?.resources.reduce((sum, r) => sum + r.upserted, 0);
        if (upserted !== n) throw new Error(`the incremental run upserted ${upserted} persons, expected ${n}`);
        return report!.outcome;
      }),
    );
  }

  const head = ['run', 'outcome', 'time (s)', 'Tide CPU (s)', 'Port requests', 'bulk upserts'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n${line(head)}\n|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(`\n${size} persons in the catalog; every new Tide instance's requests include its token.`);
} finally {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
