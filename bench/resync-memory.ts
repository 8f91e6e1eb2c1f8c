/**
 * Where resync memory goes: one catalog size, first + second resync, with process.memoryUsage()
 * sampled after every page (via onProgress) and printed every N pages, with the peak RSS since the
 * previous line and the size of jq-wasm's linear memory. Run with --trace-gc to see the live heap after
 * each mark-compact. Diagnostic only: it is how the seen set and the owned-snapshot page were found.
 *
 *   node --expose-gc --import tsx bench/resync-memory.ts [--size 50000] [--kb 1] [--every 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFakeTide, startEmulatorProcess } from './support.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '50000' }, kb: { type: 'string', default: '1' }, every: { type: 'string', default: '20' } } });
const size = Number(values.size);
const every = Number(values.every);
const mb = (n: number) => (n / 1024 / 1024).toFixed(0).padStart(4);
const gc = (globalThis as { gc?: () => void }).gc;
// Capture wasm memories (jq-wasm instantiates through WebAssembly.instantiate) to report their size.
const memories: WebAssembly.Memory[] = [];
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
(WebAssembly as { instantiate: unknown }).instantiate = async (...args: Parameters<typeof WebAssembly.instantiate>) => {
  const result = (await instantiate(...args)) as unknown as { instance?: WebAssembly.Instance } & WebAssembly.Instance;
  const instance = result.instance ?? result;
  for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
  return result;
};
const wasm = () => memories.reduce((n, m) => n + m.buffer.byteLength, 0);
// Peak RSS since the previous line, sampled every 50 ms (the last line of a run covers reconciliation).
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
sampler.unref();
function line(label: string): void {
  const m = process.memoryUsage();
  const sincePeak = Math.max(peak, m.rss);
  peak = 0;
  console.log(`peak ${mb(sincePeak)} `+`${label.padEnd(28)} rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} wasm ${mb(wasm())}`);
}

const dir = mkdtempSync(join(tmpdir(), 'tide-bench-mem-'));
const { baseUrl, child } = await startEmulatorProcess(join(dir, 'port.db'));
line('start');
try {
  let pages = 0;
  const tide = createFakeTide(baseUrl, size, values.kb!, {
    onProgress: () => {
      if (++pages % every === 0) line(`  page ${pages}`);
      else peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  await tide.provision();
  line('after provision');
  for (const run of ['first', 'second']) {
    pages = 0;
    const started = performance.now();
    const report = await tide.resync();
    const seconds = (performance.now() - started) / 1000;
    line(`${run} done ${(size / seconds).toFixed(0)}/s`);
    void report;
    if (gc) {
      gc();
      line(`${run} after gc`);
      await new Promise((r) => setTimeout(r, 2000));
      gc();
      line(`${run} after 2 s + gc`);
    }
  }
} finally {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
