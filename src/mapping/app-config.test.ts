import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MappingConfigError, parsePortAppConfig, serializeForPort } from './app-config.ts';

const minimal = {
  resources: [
    {
      kind: 'repository',
      selector: { query: 'true' },
      port: { entity: { mappings: { identifier: '.id', blueprint: '"service"' } } },
    },
  ],
};

function issuesOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MappingConfigError);
    return (error as MappingConfigError).issues;
  }
  throw new Error('expected a MappingConfigError');
}

describe('parsePortAppConfig', () => {
  it('fills in the defaults (§3.1)', () => {
    const config = parsePortAppConfig(minimal);
    expect(config).toMatchObject({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.9,
    });
    const port = config.resources[0]!.port;
    expect(port.itemsToParse).toBeUndefined();
    expect(port.itemsToParseName).toBe('item');
    expect(port.itemsToParseTopLevelTransform).toBe(true);
    expect(port.entity.mappings).toEqual({ identifier: '.id', blueprint: '"service"', properties: {}, relations: {} });
    expect(parsePortAppConfig({ enableMergeEntity: false }).resources).toEqual([]);
  });

  it('parses YAML text, where literals need inner double quotes', () => {
    const config = parsePortAppConfig(`
deleteDependentEntities: false
resources:
  - kind: repository
    selector:
      query: '.archived | not'
      includeMembers: true
    port:
      itemsToParse: .files
      entity:
        mappings:
          identifier: .id
          blueprint: '"service"'
          properties: { url: .html_url, stars: 5 }
          relations:
            owner:
              combinator: '"and"'
              rules:
                - { property: '"$identifier"', operator: '"="', value: .owner.login }
`);
    expect(config.deleteDependentEntities).toBe(false);
    const resource = config.resources[0]!;
    expect(resource.selector).toEqual({ query: '.archived | not', includeMembers: true });
    expect(resource.port.itemsToParse).toBe('.files');
    expect(resource.port.entity.mappings).toMatchObject({
      blueprint: '"service"',
      properties: { url: '.html_url', stars: '5' },
      relations: { owner: { combinator: '"and"', rules: [{ property: '"$identifier"', operator: '"="', value: '.owner.login' }] } },
    });
  });

  it('accepts snake_case aliases; the camelCase key wins when both are given', () => {
    const config = parsePortAppConfig({
      delete_dependent_entities: false,
      entity_deletion_threshold: 0.5,
      enableMergeEntity: false,
      enable_merge_entity: true,
      resources: [
        {
          ...minimal.resources[0],
          port: { ...minimal.resources[0]!.port, items_to_parse: '.x', items_to_parse_name: 'el', items_to_parse_top_level_transform: false },
        },
      ],
    });
    expect(config.deleteDependentEntities).toBe(false);
    expect(config.entityDeletionThreshold).toBe(0.5);
    expect(config.enableMergeEntity).toBe(false);
    expect(config.resources[0]!.port).toMatchObject({ itemsToParse: '.x', itemsToParseName: 'el', itemsToParseTopLevelTransform: false });
  });

  it('accepts mappings as one object or as a list', () => {
    const list = parsePortAppConfig({
      resources: [{ ...minimal.resources[0], port: { entity: { mappings: [{ identifier: '.a', blueprint: '"x"' }, { identifier: '.b', blueprint: '"y"' }] } } }],
    });
    expect(list.resources[0]!.port.entity.mappings).toHaveLength(2);
  });

  it('names the exact path of every problem', () => {
    const resource = (mappings: unknown) => ({ kind: 'k', selector: { query: 'true' }, port: { entity: { mappings } } });
    const issues = issuesOf(() =>
      parsePortAppConfig({
        entityDeletionThreshold: 1.5,
        resources: [
          resource({ identifier: '.id', blueprint: '"a"' }),
          { kind: 'k', port: { entity: { mappings: { identifier: '.id', blueprint: '"a"' } } } },
          resource({ identifier: '.id', blueprint: '"a"', properties: { url: { not: 'a program' } } }),
          resource([{ identifier: '.id', blueprint: '"a"' }, { identifier: '.id' }]),
          resource({ blueprint: '"a"', identifier: { combinator: '"and"', rules: [{ property: '"$identifier"', value: '.x' }] } }),
        ],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'entityDeletionThreshold',
      'resources[1].selector',
      'resources[2].port.entity.mappings.properties.url',
      'resources[3].port.entity.mappings[1].blueprint',
      'resources[4].port.entity.mappings.identifier.rules[0].operator',
    ]);
    const error = (() => {
      try {
        parsePortAppConfig({ resources: [resource({ identifier: '.id', blueprint: 5.5, properties: { url: [] } })] }, { source: 'port-app-config.yml' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('(port-app-config.yml)');
    expect(error?.message).toContain('resources[0].port.entity.mappings.properties.url: expected a JQ program (a string)');
  });

  it('rejects an empty config with a clear "empty mapping" error', () => {
    for (const empty of [undefined, null, {}, '', '   \n', 'null', '{}']) {
      expect(() => parsePortAppConfig(empty)).toThrow(/empty mapping/);
    }
    expect(() => parsePortAppConfig('resources: [')).toThrow(/not valid YAML/);
    expect(() => parsePortAppConfig('- a\n- b')).toThrow(/expected a mapping object/);
  });

  it('validates selectors with the integration schema of their kind', () => {
    const selectorSchemas = { repository: z.looseObject({ includeMembers: z.boolean().default(false) }) };
    const ok = parsePortAppConfig(minimal, { selectorSchemas });
    expect(ok.resources[0]!.selector).toEqual({ query: 'true', includeMembers: false });
    const bad = { resources: [minimal.resources[0], { ...minimal.resources[0], selector: { query: 'true', includeMembers: 'yes' } }] };
    const issues = issuesOf(() => parsePortAppConfig(bad, { selectorSchemas }));
    expect(issues.map((i) => i.path)).toEqual(['resources[1].selector.includeMembers']);
  });
});

describe('serializeForPort', () => {
  it('sends the four root flags with defaults, then resources as written', () => {
    const config = parsePortAppConfig({
      resources: [{ ...minimal.resources[0], port: { ...minimal.resources[0]!.port, items_to_parse: '.files' } }],
      customRootSetting: 'kept',
    });
    const body = serializeForPort(config);
    expect(Object.keys(body)).toEqual([
      'deleteDependentEntities',
      'createMissingRelatedEntities',
      'enableMergeEntity',
      'entityDeletionThreshold',
      'resources',
      'customRootSetting',
    ]);
    expect(body.entityDeletionThreshold).toBe(0.9);
    // Keys the resource did not set (itemsToParseName, properties, …) are left out.
    expect(body.resources).toEqual([
      {
        kind: 'repository',
        selector: { query: 'true' },
        port: { entity: { mappings: { identifier: '.id', blueprint: '"service"' } }, itemsToParse: '.files' },
      },
    ]);
  });
});
