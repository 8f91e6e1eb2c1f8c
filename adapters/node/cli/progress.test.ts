/**
 * The TTY progress block (drawn from a fake stream, no terminal needed) and the resync engine's
 * `onProgress` hook that feeds it: counters after every page and at the resource's end.
 */
import { describe, expect, it } from 'vitest';
import { defineIntegration } from 'port-tide';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createMapper, parsePortAppConfig } from '../../../src/mapping/index.ts';
import { createMemoryStateStore } from '../../../src/state/index.ts';
import { runResource } from '../../../src/sync/resource.ts';
import type { KindReport } from '../../../src/runtime/index.ts';
import { createHttpClient } from '../../../src/http/index.ts';
import { normaliseArgv } from './program.ts';
import { createProgressDisplay, progressLine } from './progress.ts';

const report = (label: string, fetched: number, upserted = 0): KindReport => ({
  kind: label.replace(/-\d+$/, ''),
  index: 0,
  label,
  fetched,
  mapped: fetched,
  filtered: 0,
  dropped: 0,
  failed: 0,
  upserted,
  unchanged: 0,
  errors: [],
});

describe('progress display', () => {
  it('prints one line per kind with its counters and rate', () => {
    const line = progressLine({ counters: report('repo-0', 400, 250), startedAt: 1000, firstFetched: 100, updatedAt: 3000 });
    expect(line).toBe('repo-0: fetched 400, mapped 400, upserted 250, unchanged 0, failed 0, rate 150/s');
  });

  it('redraws the block in place and prints log lines above it', () => {
    const chunks: string[] = [];
    let clock = 0;
    const display = createProgressDisplay({ write: (t) => chunks.push(t), columns: 200 }, { now: () => clock, intervalMs: 60_000 });
    display.update(report('a-0', 0));
    clock = 1000;
    display.update(report('a-0', 10));
    display.update(report('b-1', 5));
    display.print('a log line');
    // print() draws the current block right away; the throttled redraw has not fired.
    expect(chunks).toEqual(['a log line\n', 'a-0: fetched 10, mapped 10, upserted 0, unchanged 0, failed 0, rate 10.0/s\nb-1: fetched 5, mapped 5, upserted 0, unchanged 0, failed 0, rate -\n']);
    chunks.length = 0;
    display.print('another');
    // Back up over the two drawn lines, erase, print, redraw.
    expect(chunks[0]).toBe('\x1b[2F\x1b[J');
    expect(chunks[1]).toBe('another\n');
    display.done();
    chunks.length = 0;
    display.print('after done');
    expect(chunks).toEqual(['after done\n']);
  });
});

describe('onProgress hook of the resync engine', () => {
  it('reports the live counters after each page and once more at the end', async () => {
    const integration = defineIntegration({
      kinds: {
        item: {
          async *resync() {
            yield [{ id: 'a' }, { id: 'b' }];
            yield [{ id: 'c' }];
          },
        },
      },
    });
    const config = parsePortAppConfig({ resources: [{ kind: 'item', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', blueprint: '"item"' } } } }] });
    const seen: Array<[number, number]> = [];
    await runResource(
      {
        integration,
        mapper: createMapper(),
        logger: silentLogger,
        http: createHttpClient(),
        state: createMemoryStateStore(),
        config: {},
        attributes: {},
        signal: new AbortController().signal,
        onEntities: async (entities, kind) => {
          kind.upserted += entities.length;
        },
        onProgress: (r) => seen.push([r.fetched, r.upserted]),
      },
      config.resources[0]!,
      0,
    );
    expect(seen).toEqual([
      [2, 2],
      [3, 3],
      [3, 3],
    ]);
  });
});

describe('argv normalisation', () => {
  it('-i alone means true, and never swallows the integration argument', () => {
    expect(normaliseArgv(['sail', '-i', 'fake'])).toEqual(['sail', '--initialize-port-resources=true', 'fake']);
    expect(normaliseArgv(['sail', '-i'])).toEqual(['sail', '--initialize-port-resources=true']);
    expect(normaliseArgv(['sail', '-i', 'false', 'fake'])).toEqual(['sail', '-i', 'false', 'fake']);
    expect(normaliseArgv(['sail', '--initialize-port-resources=false'])).toEqual(['sail', '--initialize-port-resources=false']);
  });
});
