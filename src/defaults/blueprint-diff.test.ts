import { describe, expect, it } from 'vitest';
import { diffBlueprint } from './blueprint-diff.ts';
import { mappingDifferences } from './files-sync.ts';

const stored = {
  identifier: 'svc',
  title: 'Service',
  icon: 'Service',
  schema: {
    properties: {
      lang: { type: 'string', enum: ['go', 'ts'], title: 'Language' },
      replicas: { type: 'number' },
      url: { type: 'string', format: 'url' },
    },
    required: ['lang'],
  },
  relations: { team: { target: 'team', required: false, many: false, title: 'Team' } },
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('diffBlueprint', () => {
  it('finds no change against what Port returns for the same file (defaults and server fields aside)', () => {
    const file = { ...stored, relations: { team: { target: 'team', title: 'Team' } } };
    delete (file as Record<string, unknown>).createdAt;
    expect(diffBlueprint(file, stored)).toEqual({ identifier: 'svc', additive: [], destructive: [], patch: {} });
  });

  it('applies additions, widened enums, new titles and dropped requirements; keeps what the file removed', () => {
    const file = {
      identifier: 'svc',
      title: 'Microservice',
      schema: {
        properties: { lang: { type: 'string', enum: ['go', 'ts', 'py'], title: 'Language' }, replicas: { type: 'number', title: 'Replicas' }, url: { type: 'string', format: 'url' }, tier: { type: 'string' } },
        required: [],
      },
      relations: { team: { target: 'team', title: 'Owning team' }, repo: { target: 'repo' } },
    };
    const d = diffBlueprint(file, stored);
    expect(d.destructive).toEqual([]);
    expect(d.additive).toEqual([
      'title Service → Microservice',
      'property "lang" enum widened (+py)',
      'property "replicas" title none → Replicas',
      'property "tier" added',
      'property "lang" no longer required',
      'relation "team" title Team → Owning team',
      'relation "repo" added (→ repo)',
    ]);
    expect(d.patch.schema).toEqual({
      properties: { lang: { type: 'string', enum: ['go', 'ts', 'py'], title: 'Language' }, replicas: { type: 'number', title: 'Replicas' }, url: { type: 'string', format: 'url' }, tier: { type: 'string' } },
      required: [],
    });
    expect(d.patch.relations).toEqual({ team: { target: 'team', required: false, many: false, title: 'Owning team' }, repo: { target: 'repo' } });
  });

  it('holds back removals, retypes, narrowed enums, new requirements and relation retargets', () => {
    const file = {
      identifier: 'svc',
      schema: { properties: { lang: { type: 'string', enum: ['go'] }, replicas: { type: 'string' } }, required: ['lang', 'replicas'] },
      relations: { team: { target: 'group', many: true } },
    };
    const d = diffBlueprint(file, stored);
    expect(d.destructive).toEqual([
      'property "lang" enum narrowed (ts no longer allowed)',
      'property "replicas" retyped (number → string)',
      'property "url" removed',
      'property "replicas" becomes required',
      'relation "team" many false → true',
      'relation "team" target team → group',
    ]);
    // Only the cosmetic part is applied without --force: the stored types, enums and relations stay.
    expect(d.additive).toEqual(['property "lang" title Language → none', 'relation "team" title Team → none']);
    expect(d.patch.schema).toEqual({ properties: { lang: { type: 'string', enum: ['go', 'ts'] }, replicas: { type: 'number' }, url: { type: 'string', format: 'url' } }, required: ['lang'] });
    expect(d.patch.relations).toEqual({ team: { target: 'team', required: false, many: false } });
  });
});

describe('mappingDifferences', () => {
  const resource = (kind: string, title = '.name') => ({ kind, selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title } } } });
  it('names root flags and resources by index and kind, whatever the key order', () => {
    const local = { deleteDependentEntities: true, entityDeletionThreshold: 0.5, resources: [resource('a'), resource('b', '.title'), resource('c')] };
    const port = { entityDeletionThreshold: 0.9, deleteDependentEntities: true, resources: [{ port: resource('a').port, selector: { query: 'true' }, kind: 'a' }, resource('b')] };
    expect(mappingDifferences(local, port)).toEqual(['entityDeletionThreshold', 'resources[1] (b)', 'resources[2] (c, not in Port)']);
    expect(mappingDifferences({ resources: [resource('a')] }, { resources: [resource('a'), resource('z')] })).toEqual(['resources[1] (z, only in Port)']);
    expect(mappingDifferences(local, local)).toEqual([]);
  });
});
