/**
 * Mapping throughput: 100k raw items of ~1 KB through a 10-field mapping (selector + identifier,
 * title, blueprint, 6 properties, 1 relation), in pages of 1,000 as a resync would see them.
 * Prints entities/s for Tide (jq-wasm, jq 1.8) and, in the same run, for Debian's `jq` CLI (1.6)
 * applying the same mapping as one program to the same data, and the ratio.
 *
 *   npm run bench:mapping -- [--items 100000] [--page 1000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMapper, parsePortAppConfig } from '../src/mapping/index.ts';

const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' }, page: { type: 'string', default: '1000' } } });
const total = Number(values.items);
const pageSize = Number(values.page);

// Only features jq 1.6 has, so both engines run the very same programs.
const fields = {
  identifier: '.id',
  title: '.name + " (" + .owner.login + ")"',
  blueprint: '"service"',
  properties: {
    url: '.html_url',
    language: '.language // "unknown"',
    stars: '.stargazers_count',
    topics: '.topics | map(ascii_downcase)',
    archived: '.archived',
    updated: '.updated_at | split("T") | first',
  },
  relations: { team: '.owner.team' },
};
const config = parsePortAppConfig({
  resources: [{ kind: 'repository', selector: { query: '.archived | not or true' }, port: { entity: { mappings: fields } } }],
});
const resource = config.resources[0];

const pad = 'lorem ipsum dolor sit amet '.repeat(24);
const item = (i: number) => ({
  id: `repo-${i}`,
  name: `repository-${i}`,
  html_url: `https://github.example/org/repository-${i}`,
  language: i % 5 === 0 ? null : ['Go', 'TypeScript', 'Python'][i % 3],
  stargazers_count: i % 1000,
  topics: ['Platform', `Team-${i % 20}`],
  archived: i % 10 === 0,
  updated_at: '2026-05-01T10:00:00Z',
  owner: { login: `org-${i % 7}`, team: `team-${i % 20}` },
  description: pad,
});
const items = Array.from({ length: total }, (_, i) => item(i));
const itemBytes = JSON.stringify(items[0]).length;

const mapper = createMapper({ allowEnvironmentVariablesJqAccess: false });
await mapper.mapBatch(resource, items.slice(0, 10)); // load jq-wasm and compile once, outside the clock
let produced = 0;
const t0 = performance.now();
for (let i = 0; i < total; i += pageSize) {
  const result = await mapper.mapBatch(resource, items.slice(i, i + pageSize));
  produced += result.entities.length;
}
const tideSeconds = (performance.now() - t0) / 1000;

// The same mapping as one jq program over NDJSON: one process, one pass.
const obj = (o: Record<string, unknown>): string =>
  `{${Object.entries(o)
    .map(([k, v]) => `${JSON.stringify(k)}: ${typeof v === 'string' ? `(${v})` : obj(v as Record<string, unknown>)}`)
    .join(', ')}}`;
const program = `select(.archived | not or true) | ${obj(fields)}`;
const dir = mkdtempSync(join(tmpdir(), 'tide-bench-mapping-'));
const file = join(dir, 'items.ndjson');
writeFileSync(file, items.map((x) => JSON.stringify(x)).join('\n'));
const t1 = performance.now();
const jq = spawnSync('jq', ['-c', program, file], { maxBuffer: 1024 * 1024 * 1024 });
const jqSeconds = (performance.now() - t1) / 1000;
rmSync(dir, { recursive: true, force: true });
if (jq.status !== 0) throw new Error(`jq failed: ${jq.stderr}`);
const jqLines = jq.stdout.toString().trimEnd().split('\n').length;
const version = spawnSync('jq', ['--version']).stdout.toString().trim();

const tideRate = total / tideSeconds;
const jqRate = total / jqSeconds;
console.log(`mapping ${total} items of ~${itemBytes} B through a 10-field mapping (pages of ${pageSize})`);
console.log(`  tide (jq-wasm, jq 1.8):  ${tideRate.toFixed(0)} entities/s  (${tideSeconds.toFixed(2)} s, ${produced} entities)`);
console.log(`  ${version} CLI:             ${jqRate.toFixed(0)} entities/s  (${jqSeconds.toFixed(2)} s, ${jqLines} entities)`);
console.log(`  ratio tide / jq CLI:     ${(tideRate / jqRate).toFixed(2)}`);
