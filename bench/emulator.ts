/**
 * Emulator ingest throughput: bulk upserts of 20 entities of ~1 KB each over loopback, with the
 * emulator in its own process (as `npm run port-local` runs it) and Port's rate limits off.
 *
 *   npm run bench:emulator -- [--entities 40000] [--concurrency 8] [--db :memory:|file]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulatorProcess } from './support.ts';

const { values } = parseArgs({
  options: {
    entities: { type: 'string', default: '40000' },
    concurrency: { type: 'string', default: '8' },
    db: { type: 'string', default: 'file' },
  },
});
const total = Number(values.entities);
const concurrency = Number(values.concurrency);
const db = values.db === 'file' ? join(mkdtempSync(join(tmpdir(), 'tide-bench-')), 'port.db') : values.db!;
const BATCH = 20;
const UA = 'port-ocean/bench/0.0.0/bench-emulator/exporter';

const { baseUrl, child } = await startEmulatorProcess(db, process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=.scratch/prof'] : []);

try {
  const auth = await post('/v1/auth/access_token', { clientId: 'tide-local', clientSecret: 'tide-local-secret' });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${auth.accessToken}`, 'user-agent': UA };
  await post('/v1/blueprints', { identifier: 'team', title: 'Team', schema: { properties: {} } }, headers);
  await post(
    '/v1/blueprints',
    {
      identifier: 'service',
      title: 'Service',
      schema: {
        properties: {
          description: { type: 'string' },
          url: { type: 'string', format: 'url' },
          language: { type: 'string', enum: ['go', 'ts', 'py'] },
          replicas: { type: 'number' },
          tags: { type: 'array', items: { type: 'string' } },
          createdOn: { type: 'string', format: 'date-time' },
        },
        required: [],
      },
      relations: { team: { target: 'team', many: false, required: false } },
    },
    headers,
  );

  const filler = 'x'.repeat(760);
  const entity = (i: number) => ({
    identifier: `svc-${i}`,
    title: `Service ${i}`,
    properties: {
      description: filler,
      url: `https://example.com/services/${i}`,
      language: ['go', 'ts', 'py'][i % 3],
      replicas: i % 7,
      tags: ['bench', `shard-${i % 16}`],
      createdOn: '2026-01-01T00:00:00.000Z',
    },
    relations: { team: `team-${i % 50}` },
  });
  const sample = JSON.stringify(entity(0)).length;

  const batches = Math.ceil(total / BATCH);
  // Bodies are built before the clock starts: the figure is the emulator's, not the client's.
  const bodies = Array.from({ length: batches }, (_, b) =>
    JSON.stringify({ entities: Array.from({ length: Math.min(BATCH, total - b * BATCH) }, (_, k) => entity(b * BATCH + k)) }),
  );
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let b = next++; b < batches; b = next++) {
        const res = await post('/v1/blueprints/service/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true', bodies[b], headers);
        failed += res.errors.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`emulator bulk upsert over loopback: ${total} entities (~${sample} B each, ${BATCH} per request, ${concurrency} in flight, db ${values.db})`);
  console.log(`  ${(total / seconds).toFixed(0)} entities/s  (${(batches / seconds).toFixed(0)} requests/s, ${seconds.toFixed(2)} s, ${failed} failed)`);
} finally {
  child.kill('SIGTERM');
}

async function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(baseUrl + path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const json = (await res.json()) as Record<string, any>;
  if (res.status >= 300 && res.status !== 207) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
