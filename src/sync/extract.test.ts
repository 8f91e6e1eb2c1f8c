import { describe, expect, it } from 'vitest';
import type { KindContext, RawItem } from '../integration/index.ts';
import type { ExtractEvent, ExtractPosition, ResourceHandler } from './extract.ts';
import { extractUnits } from './extract.ts';

/** A paged handler that declares its page index as the cursor; and an array handler. */
function handlers(calls: string[]): ResourceHandler[] {
  return [
    {
      name: 'paged',
      run: (ctx) =>
        (async function* () {
          let from = typeof ctx.cursor === 'number' ? ctx.cursor : 0;
          calls.push(`paged from ${from}`);
          for (const n of [1, 2, 3].slice(from)) {
            ctx.checkpoint?.((from += 1));
            yield [{ n }];
          }
        })(),
    },
    {
      name: 'array',
      run: () => {
        calls.push('array');
        return [{ n: 'a' }];
      },
    },
  ];
}

async function extract(position: ExtractPosition, stopAfterPages = Infinity) {
  const calls: string[] = [];
  const events: Array<ExtractEvent['type'] | RawItem[]> = [];
  const ctx = { signal: new AbortController().signal } as unknown as KindContext;
  let pages = 0;
  for await (const event of extractUnits(handlers(calls), ctx, position, () => {})) {
    events.push(event.type === 'page' ? event.items : event.type);
    if (event.type === 'page' && (pages += 1) >= stopAfterPages) break;
  }
  return { calls, events, position };
}

describe('extraction positions', () => {
  it('runs the array batch first, then pages, and resumes in a later invocation from the saved position', async () => {
    const first = await extract({ handlerIndex: 0 }, 2);
    expect(first.events).toEqual([[{ n: 'a' }], 'unit-end', [{ n: 1 }]]);
    expect(first.position).toEqual({ handlerIndex: 1, iterables: [0], cursor: { value: 1 } });
    const resumed = await extract(JSON.parse(JSON.stringify(first.position)));
    expect(resumed.calls).toEqual(['paged from 1']);
    expect(resumed.events).toEqual([[{ n: 2 }], [{ n: 3 }], 'unit-end']);
    expect(resumed.position).toMatchObject({ handlerIndex: 2, cursor: undefined });
  });

  it('resumes a checkpoint written by an earlier Tide (handlers counted one by one) without skipping a handler', async () => {
    const midFirst = await extract({ handlerIndex: 0, cursor: { value: 2 } });
    expect(midFirst.calls).toEqual(['paged from 2', 'array']);
    expect(midFirst.events).toEqual([[{ n: 3 }], 'unit-end', [{ n: 'a' }], 'unit-end']);
    const atSecond = await extract({ handlerIndex: 1 });
    expect(atSecond.calls).toEqual(['array']);
    expect(atSecond.events).toEqual([[{ n: 'a' }], 'unit-end']);
  });
});
