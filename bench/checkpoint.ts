/**
 * What checkpointing costs a resync run in one go: the step engine saves its checkpoint after every
 * resumable page (a load to check it still owns the store, then a save). The memory store either copies
 * through JSON, as a durable store serialises, or keeps the object (what `runResync` uses). The
 * checkpoint grows with the failed upserts kept for the reconciliation retry, so copying costs
 * O(failed) per page. Prints the time per page for each.
 *
 *   npx tsx bench/checkpoint.ts [--pages 500]
 */
import { parseArgs } from 'node:util';
import { createMemoryCheckpointStore } from '../src/sync/checkpoint.ts';
import { sampleCheckpoint } from '../src/testing/checkpoint-store-contract.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '500' } } });
const pages = Number(values.pages);

for (const failed of [0, 1_000, 20_000]) {
  for (const copies of [true, false]) {
    const store = createMemoryCheckpointStore({ copies });
    const cp = sampleCheckpoint('bench');
    cp.failed = Array.from({ length: failed }, (_, i) => ({
      blueprint: 'fake-person',
      entity: { identifier: `person-${i}`, blueprint: 'fake-person', title: `Person ${i}`, properties: { bio: 'x'.repeat(300), age: i % 90 }, relations: { department: 'hr' } },
    }));
    await store.save(cp);
    const started = performance.now();
    for (let page = 1; page <= pages; page++) {
      cp.pages = page;
      cp.cursor = { value: page };
      const current = await store.load();
      if (current?.resyncId === cp.resyncId) await store.save(cp);
    }
    const perPage = (performance.now() - started) / pages;
    console.log(`checkpoint with ${failed} failed entities, ${copies ? 'copied through JSON' : 'kept as the object'}: ${perPage.toFixed(3)} ms per page (${pages} pages)`);
  }
}
