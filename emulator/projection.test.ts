import { describe, expect, it } from 'vitest';
import { compileProjection, projectEntity, PUBLIC_ENTITY_FIELDS, toPublicEntity } from './projection.ts';
import type { Blueprint, EntityRecord } from './types.ts';

const BP: Blueprint = {
  identifier: 'service',
  title: 'Service',
  schema: {
    properties: {
      language: { type: 'string' },
      url: { type: 'string', format: 'url' },
      config: { type: 'object' },
      title: { type: 'string' }, // a property named like a top-level field
    },
    required: [],
  },
  relations: {
    owner: { target: 'team', required: false, many: false },
    deps: { target: 'service', required: false, many: true },
    lead: { target: '_user', required: false, many: false },
  },
  mirrorProperties: {},
  calculationProperties: {},
  aggregationProperties: {},
  ownership: null,
  teamInheritance: null,
  changelogDestination: null,
  createdAt: '2024-01-01T00:00:00.000Z',
  createdBy: null,
  updatedAt: '2024-01-01T00:00:00.000Z',
  updatedBy: null,
};

const RECORD: EntityRecord = {
  rowId: 42,
  identifier: 'svc-a',
  blueprint: 'service',
  title: 'Service A',
  icon: 'Go',
  team: ['platform'],
  properties: { language: 'go', config: { region: 'eu', size: 3 }, title: 'prop-title', legacy: 1 },
  relations: { owner: 'team-x', deps: ['svc-b'] },
  datasource: 'port-ocean/jira/0.1.0/my-jira/exporter',
  createdAt: '2024-03-01T10:00:00.000Z',
  createdBy: 'client-1',
  updatedAt: '2024-03-02T10:00:00.000Z',
  updatedBy: 'client-2',
};

const PUB = toPublicEntity(RECORD, BP);

describe('toPublicEntity', () => {
  it('returns the canonical form, in field order', () => {
    expect(PUB).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      title: 'Service A',
      icon: 'Go',
      team: ['platform'],
      properties: { language: 'go', url: null, config: { region: 'eu', size: 3 }, title: 'prop-title', legacy: 1 },
      relations: { owner: 'team-x', deps: ['svc-b'], lead: null },
      createdAt: '2024-03-01T10:00:00.000Z',
      updatedAt: '2024-03-02T10:00:00.000Z',
      createdBy: 'client-1',
      updatedBy: 'client-2',
    });
    expect(Object.keys(PUB)).toEqual([...PUBLIC_ENTITY_FIELDS]);
  });

  it('never exposes $datasource or the row id', () => {
    const json = JSON.stringify(PUB);
    expect(json).not.toContain('datasource');
    expect(json).not.toContain('rowId');
    expect(json).not.toContain('port-ocean');
  });

  it('fills unset fields: null title/icon, [] team, null properties, null/[] relations', () => {
    const bare = toPublicEntity(
      { ...RECORD, title: null, icon: null, team: [], properties: {}, relations: {}, createdBy: null, updatedBy: null },
      BP,
    );
    expect(bare.title).toBeNull();
    expect(bare.icon).toBeNull();
    expect(bare.team).toEqual([]);
    expect(bare.properties).toEqual({ language: null, url: null, config: null, title: null });
    expect(bare.relations).toEqual({ owner: null, deps: [], lead: null });
    expect(bare.createdBy).toBeNull();
  });

  it('normalises stored many-relation values and keeps unknown stored relation keys', () => {
    const e = toPublicEntity({ ...RECORD, relations: { deps: 'svc-b', owner: null, gone: 'x' } }, BP);
    expect(e.relations).toEqual({ owner: null, deps: ['svc-b'], lead: null, gone: 'x' });
    const n = toPublicEntity({ ...RECORD, relations: { deps: null } }, BP);
    expect((n.relations as Record<string, unknown>).deps).toEqual([]);
  });

  it('works without a blueprint (stored keys only)', () => {
    const e = toPublicEntity(RECORD, undefined);
    expect(e.properties).toEqual(RECORD.properties);
    expect(e.relations).toEqual(RECORD.relations);
  });

  it('does not alias the record containers', () => {
    const e = toPublicEntity(RECORD, BP);
    (e.team as string[]).push('x');
    (e.properties as Record<string, unknown>).language = 'rust';
    ((e.relations as Record<string, string[]>).deps as string[]).push('y');
    expect(RECORD.team).toEqual(['platform']);
    expect(RECORD.properties.language).toBe('go');
    expect(RECORD.relations.deps).toEqual(['svc-b']);
  });
});

describe('projectEntity', () => {
  it('no include and no exclude: everything', () => {
    expect(projectEntity(PUB)).toEqual(PUB);
    expect(projectEntity(PUB, [], [])).toEqual(PUB);
    expect(projectEntity(PUB, undefined, [])).toEqual(PUB);
  });

  it('dotted form include (query-param form)', () => {
    expect(projectEntity(PUB, ['title', 'team', 'properties.language', 'relations.owner'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      title: 'Service A',
      team: ['platform'],
      properties: { language: 'go' },
      relations: { owner: 'team-x' },
    });
  });

  it('identifier and blueprint are always returned', () => {
    expect(projectEntity(PUB, ['title'])).toEqual({ identifier: 'svc-a', blueprint: 'service', title: 'Service A' });
    expect(projectEntity(PUB, ['identifier'])).toEqual({ identifier: 'svc-a', blueprint: 'service' });
    expect(projectEntity(PUB, undefined, ['identifier', 'blueprint', '$identifier', '$blueprint'])).toEqual(PUB);
  });

  it('body form include: $meta names and bare property / relation ids', () => {
    expect(projectEntity(PUB, ['$identifier', '$title', '$createdAt', '$updatedBy', 'language', 'deps'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      title: 'Service A',
      properties: { language: 'go' },
      relations: { deps: ['svc-b'] },
      createdAt: '2024-03-01T10:00:00.000Z',
      updatedBy: 'client-2',
    });
    expect(projectEntity(PUB, ['$icon', '$team', '$blueprint', '$createdBy', '$updatedAt'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      icon: 'Go',
      team: ['platform'],
      updatedAt: '2024-03-02T10:00:00.000Z',
      createdBy: 'client-1',
    });
  });

  it('mixes both forms', () => {
    expect(projectEntity(PUB, ['$title', 'properties.url', 'owner', 'relations.lead'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      title: 'Service A',
      properties: { url: null },
      relations: { owner: 'team-x', lead: null },
    });
  });

  it('a bare top-level name means the field; the property is reached by its dotted path', () => {
    expect(projectEntity(PUB, ['title'])).toEqual({ identifier: 'svc-a', blueprint: 'service', title: 'Service A' });
    expect(projectEntity(PUB, ['properties.title'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      properties: { title: 'prop-title' },
    });
  });

  it('whole containers and deeper paths', () => {
    expect(projectEntity(PUB, ['properties'])).toEqual({ identifier: 'svc-a', blueprint: 'service', properties: PUB.properties });
    expect(projectEntity(PUB, ['properties', 'properties.language'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      properties: PUB.properties,
    });
    expect(projectEntity(PUB, ['properties.config.region'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      properties: { config: { region: 'eu' } },
    });
  });

  it('a requested container is present even when nothing in it matches', () => {
    expect(projectEntity(PUB, ['properties.nope', 'relations.nope'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      properties: {},
      relations: {},
    });
  });

  it('ignores $datasource, unknown meta names, unknown bare ids and malformed paths', () => {
    expect(projectEntity(PUB, ['$datasource', '$nope', 'nope', 'foo.bar', '', 'properties.', '.x', 'rowId'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
    });
  });

  it('exclude alone, in both forms', () => {
    const out = projectEntity(PUB, undefined, ['properties.config', 'relations', '$createdAt', 'updatedAt', 'language']);
    expect(out).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      title: 'Service A',
      icon: 'Go',
      team: ['platform'],
      properties: { url: null, title: 'prop-title', legacy: 1 },
      createdBy: 'client-1',
      updatedBy: 'client-2',
    });
    expect(projectEntity(PUB, undefined, ['owner', 'deps'])).toMatchObject({ relations: { lead: null } });
    expect(projectEntity(PUB, undefined, ['properties.config.size'])).toMatchObject({
      properties: { config: { region: 'eu' } },
    });
  });

  it('include minus exclude', () => {
    expect(projectEntity(PUB, ['properties', 'title', '$team'], ['properties.config', 'title', 'url'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      team: ['platform'],
      properties: { language: 'go', title: 'prop-title', legacy: 1 },
    });
    expect(projectEntity(PUB, ['language'], ['properties.language'])).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      properties: {},
    });
  });

  it('does not modify the input', () => {
    const before = structuredClone(PUB);
    projectEntity(PUB, ['properties.language'], ['title']);
    projectEntity(PUB, undefined, ['properties.config.size', 'relations.owner']);
    expect(PUB).toEqual(before);
  });

  it('compileProjection resolves bare ids per entity', () => {
    const project = compileProjection(['owner', 'language']);
    const team = toPublicEntity(
      { ...RECORD, identifier: 't', blueprint: 'team', properties: { language: 'en' }, relations: {} },
      undefined,
    );
    expect(project(PUB)).toEqual({
      identifier: 'svc-a',
      blueprint: 'service',
      properties: { language: 'go' },
      relations: { owner: 'team-x' },
    });
    expect(project(team)).toEqual({ identifier: 't', blueprint: 'team', properties: { language: 'en' } });
  });
});
