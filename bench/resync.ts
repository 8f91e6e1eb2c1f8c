/**
 * Resync throughput and memory: the fake integration into the local Port emulator over loopback
 * (emulator in its own process, rate limits off), for each catalog size: a first resync (everything
 * created) and a second one (everything unchanged). Prints entities/s, this process's CPU time and
 * peak RSS.
 *
 *   npm run bench:resync -- [--sizes 50000,200000] [--kb 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFakeTide, startEmulatorProcess } from './support.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '50000,200000' }, kb: { type: 'string', default: '1' } } });
const sizes = values.sizes!.split(',').map(Number);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'tide-bench-resync-'));
  const { baseUrl, child } = await startEmulatorProcess(join(dir, 'port.db'));
  try {
    const tide = createFakeTide(baseUrl, size, values.kb!);
    await tide.provision();
    peakRss = process.memoryUsage().rss;
    for (const run of ['first (creates)', 'second (unchanged)']) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const report = await tide.resync();
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      // CPU time of this process only (the emulator runs in its own): Tide's own cost, and a steadier
      // figure than wall time on a shared machine.
      const cpuSeconds = (used.user + used.system) / 1e6;
      const entities = report.kinds.reduce((n, k) => n + k.mapped, 0);
      const upserted = report.kinds.reduce((n, k) => n + k.upserted, 0);
      console.log(
        `resync ${size} persons + ${entities - size} departments, offices, teams and projects, ${run}: ${(entities / seconds).toFixed(0)} entities/s ` +
          `(${seconds.toFixed(1)} s, ${upserted} upserted, status ${report.status}), Tide CPU ${cpuSeconds.toFixed(1)} s, peak RSS ${mb(peakRss)}`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
clearInterval(sampler);
