/**
 * Mapping throughput, in one run, for two workloads (bench/mapping-workloads.ts): a 10-field mapping over ~1 KB
 * items, and a mixed pull-request mapping using the constructs common in real mappings. For each it prints
 * entities/s for
 *   - Tide with its default engine (compiled JavaScript, jq-wasm for the rest),
 *   - Tide with jq-wasm alone (every program on jq 1.8, as before the compiler),
 *   - Debian's `jq` CLI (1.6) applying the same mapping as one program to the same items (NDJSON, one process),
 *   - a hand-written JavaScript function building the same entity bodies (the ceiling),
 * with the ratios Tide / jq CLI and ceiling / Tide, and the share of the mapping's programs on the fast path.
 * Items are mapped in pages, as a resync sees them; five pages are mapped before the clock starts (jq-wasm load,
 * compilation, JIT warm-up), which a long-running process pays once. Every rate is the best of three passes. The
 * hand-written function is checked to build exactly Tide's entities.
 *
 *   npm run bench:mapping -- [--items 100000] [--mixed-items 20000] [--page 1000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { Mapper, ResourceConfig } from '../src/mapping/index.ts';
import { compileJq, createJqWasmEngine, createMapper, normaliseQuotes, parsePortAppConfig } from '../src/mapping/index.ts';
import type { Workload } from './mapping-workloads.ts';
import { cliProgram, mixed, tenFields } from './mapping-workloads.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    'mixed-items': { type: 'string', default: '20000' },
    page: { type: 'string', default: '1000' },
  },
});
const pageSize = Number(values.page);
/** Pages mapped before the clock starts: jq-wasm loading, compilation and the JIT's warm-up, paid once per process. */
const WARM_UP_PAGES = 5;

function resourceOf(w: Workload): ResourceConfig {
  return parsePortAppConfig({ resources: [{ kind: 'k', selector: { query: w.selector }, port: { entity: { mappings: w.mappings } } }] }).resources[0]!;
}

/** Each rate is the best of this many passes: the machines this runs on are shared, the best pass is the least disturbed. */
const PASSES = 3;

/** Entities/s of `mapper` over `items`, page by page, after a few warm-up pages outside the clock. */
async function tideRate(mapper: Mapper, resource: ResourceConfig, items: unknown[]): Promise<{ rate: number; seconds: number; entities: number }> {
  for (let i = 0; i < WARM_UP_PAGES; i++) await mapper.mapBatch(resource, items.slice(i * pageSize, (i + 1) * pageSize));
  let best = Infinity;
  let entities = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    entities = 0;
    const t0 = performance.now();
    for (let i = 0; i < items.length; i += pageSize) entities += (await mapper.mapBatch(resource, items.slice(i, i + pageSize))).entities.length;
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { rate: items.length / best, seconds: best, entities };
}

function cliRate(w: Workload, items: unknown[]): { rate: number; seconds: number; entities: number; version: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tide-bench-mapping-'));
  const file = join(dir, 'items.ndjson');
  writeFileSync(file, items.map((x) => JSON.stringify(x)).join('\n'));
  let best = Infinity;
  let stdout = '';
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now();
    const jq = spawnSync('jq', ['-c', cliProgram(w), file], { maxBuffer: 1024 * 1024 * 1024 });
    best = Math.min(best, (performance.now() - t0) / 1000);
    if (jq.status !== 0) throw new Error(`jq failed: ${jq.stderr}`);
    stdout = jq.stdout.toString();
  }
  rmSync(dir, { recursive: true, force: true });
  const entities = stdout.trimEnd().split('\n').length;
  return { rate: items.length / best, seconds: best, entities, version: spawnSync('jq', ['--version']).stdout.toString().trim() };
}

function handRate(w: Workload, items: Array<Record<string, unknown>>): { rate: number; seconds: number } {
  let sink = 0;
  for (const item of items.slice(0, WARM_UP_PAGES * pageSize)) if (w.handWritten(item)) sink++;
  let best = Infinity;
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now();
    for (const item of items) if (w.handWritten(item)) sink++;
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  if (sink < 0) console.log(sink);
  return { rate: items.length / best, seconds: best };
}

/** The hand-written ceiling must build exactly what Tide builds, or its rate means nothing. */
async function checkHandWritten(w: Workload, resource: ResourceConfig, items: Array<Record<string, unknown>>): Promise<string> {
  const sample = items.slice(0, 500);
  const result = await createMapper({ allowEnvironmentVariablesJqAccess: false }).mapBatch(resource, sample);
  const tide = result.entities.map((e) => e.entity);
  const hand = sample.map(w.handWritten).filter((e) => e !== undefined);
  const failures = result.fieldErrors.length + result.selectorErrors.length;
  return isDeepStrictEqual(tide, hand) && failures === 0 ? 'identical to Tide on a 500-item sample' : 'DIFFERS from Tide: the ceiling is not comparable';
}

function programsOf(w: Workload): string[] {
  const leaves = [w.mappings.identifier, w.mappings.title, w.mappings.blueprint, ...Object.values(w.mappings.properties), ...Object.values(w.mappings.relations)];
  return [...new Set([w.selector, ...leaves].map(normaliseQuotes))];
}

async function run(w: Workload, count: number): Promise<void> {
  const resource = resourceOf(w);
  const items = Array.from({ length: count }, (_, i) => w.item(i));
  const bytes = Math.round(items.slice(0, 100).reduce((n, x) => n + JSON.stringify(x).length, 0) / 100);
  const programs = programsOf(w);
  const declined = programs.map((p) => [p, compileJq(p)] as const).filter(([, c]) => !c.ok);

  const tide = await tideRate(createMapper({ allowEnvironmentVariablesJqAccess: false }), resource, items);
  const wasm = await tideRate(createMapper({ allowEnvironmentVariablesJqAccess: false, engine: await createJqWasmEngine() }), resource, items);
  const cli = cliRate(w, items);
  const hand = handRate(w, items);
  const check = await checkHandWritten(w, resource, items);

  const n = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
  console.log(`${w.name}: ${count} items of ~${bytes} B, ${programs.length} distinct programs, pages of ${pageSize}`);
  console.log(`  tide (compiled + jq-wasm):  ${n(tide.rate)} entities/s  (${tide.seconds.toFixed(2)} s, ${tide.entities} entities)`);
  console.log(`  tide (jq-wasm only):        ${n(wasm.rate)} entities/s  (${wasm.seconds.toFixed(2)} s, ${wasm.entities} entities)`);
  console.log(`  ${cli.version} CLI:               ${n(cli.rate)} entities/s  (${cli.seconds.toFixed(2)} s, ${cli.entities} entities)`);
  console.log(`  hand-written JS (ceiling):  ${n(hand.rate)} entities/s  (${check})`);
  console.log(`  ratio tide / jq CLI:        ${(tide.rate / cli.rate).toFixed(2)}`);
  console.log(`  ratio ceiling / tide:       ${(hand.rate / tide.rate).toFixed(2)}`);
  console.log(`  ratio tide / jq-wasm only:  ${(tide.rate / wasm.rate).toFixed(2)}`);
  console.log(`  programs on the fast path:  ${programs.length - declined.length} of ${programs.length}${declined.map(([p, c]) => `; declined ${JSON.stringify(p)} (${c.ok ? '' : c.construct})`).join('')}`);
}

await run(tenFields, Number(values.items));
await run(mixed, Number(values['mixed-items']));
