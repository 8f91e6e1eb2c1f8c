import { describe, expect, it } from 'vitest';
import { createJqWasmEngine, createMapper, parsePortAppConfig } from './index.ts';
import { chunk, deriveTopLevelPath, withoutPath } from './items-to-parse.ts';

describe('deriveTopLevelPath', () => {
  it.each([
    ['.files', ['files']],
    ['.spec.files | map(select(.ok))', ['spec', 'files']],
    ['(.file.content)', ['file', 'content']],
    ['. as $all | .file.content', ['file', 'content']],
    ['$items | .file.content', ['file', 'content']],
    ['. | .file.content', ['file', 'content']],
    ['.file.content // []', ['file', 'content']],
    ['.[0].key', [0, 'key']],
    ['.file[0].content', ['file', 0, 'content']],
    ['.file.[0].content', ['file', 0, 'content']],
    ['.["a key"].value', ['a key', 'value']],
    ['. as $all | ($all | .file.content) as $items | $items', ['file', 'content']],
    ['. as $all | ($all | .file.content.raw) // {}', ['file', 'content', 'raw']],
    ['.first.path | .second.path', ['first', 'path']],
    ["  .file.content  ", ['file', 'content']],
    ['.items[]', ['items']],
  ])('%s -> %j', (program, path) => {
    expect(deriveTopLevelPath(program)).toEqual(path);
  });

  it.each(['.', '$items', '. as $root', '(.file.content', '', '   ', 'map(.x) | .y', '[.a, .b]'])('%j has no leading path', (program) => {
    expect(deriveTopLevelPath(program)).toBeUndefined();
  });
});

describe('withoutPath', () => {
  it('copies only along the path and never mutates the input', () => {
    const raw = { a: { files: [1, 2], keep: true }, other: { x: 1 }, list: [{ v: 1 }, { v: 2 }] };
    const frozen = structuredClone(raw);
    const out = withoutPath(raw, ['a', 'files']) as typeof raw;
    expect(out).toEqual({ a: { keep: true }, other: { x: 1 }, list: [{ v: 1 }, { v: 2 }] });
    expect(out.other).toBe(raw.other);
    expect(raw).toEqual(frozen);
    expect(withoutPath(raw, ['list', -1])).toEqual({ ...raw, list: [{ v: 1 }] });
    expect(withoutPath(raw, ['missing', 'x'])).toBe(raw);
  });
});

describe('expansion and re-batching', () => {
  it('keeps the parent whole when no leading path can be derived, and re-batches by 200', async () => {
    const mapper = createMapper({ engine: await createJqWasmEngine() });
    const config = parsePortAppConfig({
      resources: [
        {
          kind: 'k',
          selector: { query: 'true' },
          port: {
            itemsToParse: '[range(.n)] | map({i: .})',
            entity: { mappings: { identifier: '"\\(.name)-\\(.item.i)"', blueprint: '"b"', properties: { n: '.n' } } },
          },
        },
      ],
    });
    const res = config.resources[0]!;
    const { batches, skipped } = await mapper.mapItems(res, [{ name: 'a', n: 250 }, { name: 'b', n: 190 }]);
    expect(skipped).toEqual([]);
    expect(batches.map((b) => b.itemCount)).toEqual([200, 200, 40]);
    const all = batches.flatMap((b) => b.entities.map((e) => e.entity));
    expect(all).toHaveLength(440);
    expect(all[0]).toEqual({ identifier: 'a-0', blueprint: 'b', properties: { n: 250 } });
    expect(all[439]!.identifier).toBe('b-189');
    expect(chunk([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });
});
