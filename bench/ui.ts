/**
 * The web UI at catalog scale: the blueprint table's first page, a page deep in the catalog, searches and
 * a sort without an index, and the mapping playground evaluating 50 items (all programs compiled, and with one program
 * on jq-wasm), at 10,000 and 200,000 entities.
 * Paging walks the (blueprint, identifier) index from a cursor, so a page should cost the same at both sizes.
 *
 *   npm run bench:ui -- [--sizes 10000,200000] [--runs 15]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPlaygroundEvaluator } from '../adapters/node/cli/ui.ts';
import { createPortEmulator } from 'port-tide/emulator';
import { emulatorClient } from 'port-tide/testing';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,200000' }, runs: { type: 'string', default: '15' } } });
const sizes = values.sizes!.split(',').map(Number);
const runs = Number(values.runs);
const UI = 'http://127.0.0.1:5555';

const service = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { language: { type: 'string' }, tier: { type: 'number' }, owner: { type: 'string' }, url: { type: 'string' } }, required: [] },
};
const resource = {
  kind: 'service',
  selector: { query: 'true' },
  port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"service"', properties: { language: '.lang', tier: '.tier', owner: '.team.name', url: '"https://git.example/" + .id' } } } },
};
const item = (i: number) => ({ id: `svc-${String(i).padStart(6, '0')}`, name: `Service ${i}`, lang: i % 3 ? 'go' : 'ts', tier: i % 4, team: { name: `team-${i % 50}` } });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cursor = (identifier: string) => Buffer.from(JSON.stringify([identifier])).toString('base64url');

const rows: Array<Record<string, string>> = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'tide-bench-ui-'));
  const emulator = createPortEmulator({ db: join(dir, 'port.db'), entityHistory: false, ui: { evaluate: createPlaygroundEvaluator() } });
  const { seed } = emulatorClient({ baseUrl: UI, fetch: emulator.fetch });
  await seed({ blueprints: [service], integrations: [{ identifier: 'bench', installationAppType: 'bench', config: { resources: [resource] } }] });
  const started = performance.now();
  for (let i = 0; i < n; i += 2000) {
    const entities = Array.from({ length: Math.min(2000, n - i) }, (_, k) => {
      const x = item(i + k);
      return { blueprint: 'service', identifier: x.id, title: x.name, properties: { language: x.lang, tier: x.tier, owner: x.team.name, url: `https://git.example/${x.id}` }, datasource: 'port-ocean/bench/1/bench/exporter' };
    });
    await seed({ entities });
  }
  const seeded = performance.now() - started;

  const time = async (label: string, path: string, init?: RequestInit, check?: (text: string) => void, afterWrite = false) => {
    const samples: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < runs + 2; r++) {
      // Any write makes the table count its rows again (counts are kept while the database is unchanged).
      if (afterWrite) emulator.state.store.setKv('bench-write', r);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await emulator.fetch(`${UI}${path}`, init);
      const text = await res.text();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (res.status !== 200) throw new Error(`${label}: ${res.status} ${text.slice(0, 300)}`);
      check?.(text);
      // The first two warm caches and the client bundle.
      if (r >= 2) {
        samples.push(ms);
        cpu.push((c.user + c.system) / 1000);
      }
    }
    // CPU time is what the request cost this process; wall time also holds waits for a busy machine.
    rows.push({
      entities: n.toLocaleString('en'),
      what: label,
      'median ms': median(samples).toFixed(1),
      'max ms': Math.max(...samples).toFixed(1),
      'median cpu ms': median(cpu).toFixed(1),
    });
  };
  const hasRows = (count: number) => (text: string) => {
    const got = (text.match(/<tr><td><a href="\/entity/g) ?? []).length;
    if (got !== count) throw new Error(`expected ${count} rows, got ${got}`);
  };
  await time('blueprint table: first page (50 rows)', '/blueprint?bp=service', undefined, hasRows(50));
  await time('  … right after a write (rows counted again)', '/blueprint?bp=service', undefined, hasRows(50), true);
  await time('blueprint table: page at the middle (cursor)', `/blueprint?bp=service&after=${cursor(item(Math.floor(n / 2)).id)}`, undefined, hasRows(50));
  await time('  … right after a write (rows counted again)', `/blueprint?bp=service&after=${cursor(item(Math.floor(n / 2)).id)}`, undefined, hasRows(50), true);
  await time('blueprint table: last page', '/blueprint?bp=service&last=1', undefined, hasRows(50));
  await time('search: one identifier', `/blueprint?bp=service&q=${item(n - 7).id}`, undefined, hasRows(1));
  await time('search: a title fragment (many hits)', '/blueprint?bp=service&q=Service%2012', undefined, hasRows(50));
  await time('sort by a property (no index), first page', '/blueprint?bp=service&sort=properties.tier', undefined, hasRows(50));
  const items = JSON.stringify(Array.from({ length: 50 }, (_, i) => item(i)));
  await time(
    'playground: evaluate 50 items',
    '/_ui/api/evaluate',
    { method: 'POST', headers: { 'content-type': 'application/json', 'x-tide-ui': '1' }, body: JSON.stringify({ integration: 'bench', index: 0, resource, items }) },
    (text) => {
      const body = JSON.parse(text) as { preview: { items: unknown[] } };
      if (body.preview.items.length !== 50) throw new Error('the playground did not evaluate 50 items');
    },
  );
  // The same with one program outside the compiled subset (`..`), which runs on jq-wasm.
  const onJq = { ...resource, port: { entity: { mappings: { ...resource.port.entity.mappings, properties: { ...resource.port.entity.mappings.properties, strings: '[.. | strings] | length' } } } } };
  await time(
    'playground: evaluate 50 items, one program on jq',
    '/_ui/api/evaluate',
    { method: 'POST', headers: { 'content-type': 'application/json', 'x-tide-ui': '1' }, body: JSON.stringify({ integration: 'bench', index: 0, resource: onJq, items }) },
    (text) => {
      const body = JSON.parse(text) as { preview: { items: Array<{ fields: Array<{ path: string; value: unknown }> }> } };
      if (body.preview.items.length !== 50) throw new Error('the playground did not evaluate 50 items');
      if (body.preview.items[0]!.fields.find((f) => f.path === 'properties.strings')?.value !== 4) throw new Error('the jq program gave a wrong value');
    },
  );
  console.error(`seeded ${n.toLocaleString('en')} entities in ${(seeded / 1000).toFixed(1)} s`);
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
console.table(rows);
