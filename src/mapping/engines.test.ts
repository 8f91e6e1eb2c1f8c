import { describe, expect, it } from 'vitest';
import { parsePortAppConfig, programEngines } from './index.ts';

describe('programEngines', () => {
  it('lists every distinct program of the resources as written, with its engine and the construct that declined', () => {
    const config = parsePortAppConfig({
      resources: [
        {
          kind: 'a',
          selector: { query: 'true' },
          port: {
            itemsToParse: '.files',
            entity: {
              mappings: {
                identifier: '.id',
                blueprint: "'file'",
                properties: { n: '[.. | numbers] | length', again: '.id' },
                relations: { owner: { combinator: '"and"', rules: [{ property: '"$team"', operator: '"="', value: '.team | label $x | 1' }] } },
              },
            },
          },
        },
        { kind: 'b', selector: { query: '.ok' }, port: { entity: { mappings: { identifier: '.id', blueprint: '"b"' } } } },
      ],
    });
    expect([...programEngines(config.resources)]).toEqual([
      ['true', { engine: 'fast' }],
      ['.files', { engine: 'fast' }],
      ['.id', { engine: 'fast' }],
      ["'file'", { engine: 'fast' }],
      ['[.. | numbers] | length', { engine: 'jq', construct: '`..`' }],
      ['"and"', { engine: 'fast' }],
      ['"$team"', { engine: 'fast' }],
      ['"="', { engine: 'fast' }],
      ['.team | label $x | 1', { engine: 'jq', construct: '`label`' }],
      ['.ok', { engine: 'fast' }],
      ['"b"', { engine: 'fast' }],
    ]);
  });
});
