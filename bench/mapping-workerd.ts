/**
 * CPU time of the mapping inside workerd, per 1,000 items, with Tide's default engine (compiled JavaScript + jq-wasm)
 * and with jq-wasm alone (every program on jq, as before the compiler), for the workloads of bench/mapping.ts.
 *
 * How it is measured: workerd's clocks do not advance while a request computes, so the time is taken from Node,
 * around `dispatchFetch` calls to the Worker of bench/mapping-workerd-worker.ts (bundled with esbuild, jq.wasm as a
 * compiled Wasm module, run by miniflare). A request maps one 1,000-item page N times with no I/O, so its wall time
 * is the isolate's CPU time plus a fixed cost (dispatch, response); the fixed cost cancels in the difference
 * between a request of 11 pages and one of 1 page, divided by 10. Each figure is the best of several tries.
 *
 *   npx tsx bench/mapping-workerd.ts [--tries 5]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startJqWorker } from '../scripts/jq-worker.ts';
import { WORKLOADS } from './mapping-workloads.ts';

const { values } = parseArgs({ options: { tries: { type: 'string', default: '5' } } });
const tries = Number(values.tries);
const here = dirname(fileURLToPath(import.meta.url));

const mf = await startJqWorker(join(here, 'mapping-workerd-worker.ts'));

async function request(workload: string, engine: string, pages: number): Promise<{ ms: number; entities: number }> {
  const t0 = performance.now();
  const response = await mf.dispatchFetch(`http://bench/?workload=${encodeURIComponent(workload)}&engine=${engine}&pages=${pages}`);
  const body = (await response.json()) as { entities: number };
  return { ms: performance.now() - t0, entities: body.entities };
}

/** Milliseconds of one 1,000-item page: (best 11-page request − best 1-page request) / 10. */
async function perPage(workload: string, engine: string): Promise<{ ms: number; entities: number }> {
  await request(workload, engine, 3);
  let one = Infinity;
  let eleven = Infinity;
  let entities = 0;
  for (let i = 0; i < tries; i++) {
    one = Math.min(one, (await request(workload, engine, 1)).ms);
    const r = await request(workload, engine, 11);
    eleven = Math.min(eleven, r.ms);
    entities = r.entities / 11;
  }
  return { ms: (eleven - one) / 10, entities };
}

try {
  console.log('mapping CPU time inside workerd (miniflare), per page of 1,000 items');
  for (const w of WORKLOADS) {
    const fast = await perPage(w.name, 'compiled');
    const jq = await perPage(w.name, 'jq');
    const per1000 = (x: { ms: number; entities: number }): string => `${((x.ms * 1000) / x.entities).toFixed(1)} ms per 1,000 entities`;
    console.log(`${w.name} (${Math.round(fast.entities)} entities per page)`);
    console.log(`  jq-wasm only (before): ${jq.ms.toFixed(1).padStart(7)} ms per page, ${per1000(jq)}`);
    console.log(`  compiled (after):      ${fast.ms.toFixed(1).padStart(7)} ms per page, ${per1000(fast)}`);
    console.log(`  ratio:                 ${(jq.ms / fast.ms).toFixed(1)}x less CPU`);
  }
} finally {
  await mf.close();
}
