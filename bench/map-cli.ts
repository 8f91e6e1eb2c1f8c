/**
 * `tide map` as users run it: the real CLI (`tsx adapters/node/cli/main.ts map …`, a new process per run) over 100
 * and over 10,000 raw items, with `--json` and with the per-item debug output, for the two mapping workloads of
 * bench/mapping-workloads.ts (the 10-field mapping, and the mixed pull-request mapping, both compiled to JavaScript),
 * and the 10-field mapping with one program that only jq-wasm runs. It prints the wall time of each (median of the
 * runs) and the ratio 10,000 / 100: startup (tsx, the integration, jq-wasm) is paid by both, so a ratio near 1 means
 * the mapping itself costs little.
 *
 *   npx tsx bench/map-cli.ts [--small 100] [--large 10000] [--runs 3] [--workloads 10-field,mixed,on-jq]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { Workload } from './mapping-workloads.ts';
import { mixed, tenFields } from './mapping-workloads.ts';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '100' },
    large: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    workloads: { type: 'string', default: '10-field,mixed,on-jq' },
  },
});
const sizes = [Number(values.small), Number(values.large)] as const;
const runs = Number(values.runs);
const REPO = resolve(import.meta.dirname, '..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const MAIN = join(REPO, 'adapters/node/cli/main.ts');
// tsx reads the repository's tsconfig (its `paths` resolve `port-tide` to the sources) from any working directory.
const TSCONFIG = join(REPO, 'tsconfig.json');
/** The 10-field mapping plus one program outside the compiled subset (`..`): it runs on jq-wasm for every item. */
const onJq: Workload = {
  ...tenFields,
  name: '10-field mapping, one program on jq',
  mappings: { ...tenFields.mappings, properties: { ...tenFields.mappings.properties, strings: '[.. | strings] | length' } },
};

const chosen = new Set(values.workloads!.split(','));
const workloads: Array<[string, Workload]> = (
  [
    ['10-field', tenFields],
    ['mixed', mixed],
    ['on-jq', onJq],
  ] as Array<[string, Workload]>
).filter(([name]) => chosen.has(name));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Seconds for one `tide map` process; it must exit 0 and print something. */
function timeRun(cwd: string, args: string[]): { seconds: number; bytes: number } {
  const t0 = performance.now();
  const r = spawnSync(TSX, [MAIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1', TSX_TSCONFIG_PATH: TSCONFIG } });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tide ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (r.stdout.length === 0) throw new Error(`tide ${args.join(' ')} printed nothing`);
  return { seconds, bytes: r.stdout.length };
}

const dir = mkdtempSync(join(tmpdir(), 'tide-bench-map-cli-'));
try {
  console.log(`tide map, the real CLI (one process per run, median of ${runs}); node ${process.version}`);
  const rows: Array<Record<string, string>> = [];
  for (const [name, w] of workloads) {
    const mapping = join(dir, `${name}.yml`);
    writeFileSync(mapping, stringify({ resources: [{ kind: 'bench', selector: { query: w.selector }, port: { entity: { mappings: w.mappings } } }] }));
    for (const size of sizes) writeFileSync(join(dir, `${name}-${size}.json`), JSON.stringify(Array.from({ length: size }, (_, i) => w.item(i))));
    for (const json of [true, false]) {
      const seconds = sizes.map((size) => {
        const args = ['map', 'fake', '--kind', 'bench', '--input', `${name}-${size}.json`, '--mapping', mapping, ...(json ? ['--json'] : [])];
        timeRun(dir, args); // warms the file cache and tsx's transform cache
        return median(Array.from({ length: runs }, () => timeRun(dir, args).seconds));
      });
      rows.push({
        workload: name,
        output: json ? '--json' : 'per item',
        [`${sizes[0]} items`]: `${seconds[0]!.toFixed(2)} s`,
        [`${sizes[1]} items`]: `${seconds[1]!.toFixed(2)} s`,
        ratio: `${(seconds[1]! / seconds[0]!).toFixed(2)}×`,
      });
      console.log(`${name.padEnd(9)} ${(json ? '--json' : 'per item').padEnd(9)} ${sizes[0]} items ${seconds[0]!.toFixed(2)} s   ${sizes[1]} items ${seconds[1]!.toFixed(2)} s   ratio ${(seconds[1]! / seconds[0]!).toFixed(2)}×`);
    }
  }
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
