import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSettings, parseSpecText } from '../../src/config/index.ts';
import { parsePortResources } from '../../src/defaults/index.ts';
import type { KindContext, Logger, RawItem } from 'port-tide';
import { createMapper, parsePortAppConfig } from '../../src/mapping/index.ts';
import fake, {
  FAKE_DEPARTMENTS,
  FAKE_INTEGRATION_VERSION,
  FAKE_PROJECT_COUNT,
  fakeDepartments,
  fakeOffices,
  fakeProjects,
  fakeTeams,
  fakePerson,
  fakePersonPages,
  fakePersons,
  resolveFakeConfig,
} from './index.ts';
import type { FakeConfig, FakeOffice, FakePerson, FakeProject, FakeTeam } from './index.ts';

const dir = join(import.meta.dirname, '.port');
const read = (file: string): string => readFileSync(join(dir, file), 'utf8');

function all(config: Partial<FakeConfig>): FakePerson[] {
  return [...fakePersonPages(config)].flat();
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** The parts of a kind context these handlers read; the rest is never touched. */
function kindContext(kind: string, config: Partial<FakeConfig>, signal = new AbortController().signal): KindContext<FakeConfig> {
  return { kind, config, signal, logger: quiet } as unknown as KindContext<FakeConfig>;
}

/** Identifiers of the page a generator step produced. */
function ids(step: IteratorResult<FakePerson[], unknown>): string[] {
  return step.done ? [] : step.value.map((p) => p.id);
}

async function collect(pages: AsyncIterable<RawItem[]>): Promise<RawItem[][]> {
  const out: RawItem[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('generated data', () => {
  it('is deterministic: two runs give identical persons', () => {
    const config = { entityAmount: 30, entityKbSize: 2, thirdPartyBatchSize: 7 };
    expect(all(config)).toEqual(all(config));
  });

  it('a smaller entityAmount yields a subset of a larger one, by identifier and content', () => {
    const small = all({ entityAmount: 3 });
    const large = new Map(all({ entityAmount: 5 }).map((p) => [p.id, p]));
    expect(small).toHaveLength(15);
    expect(large.size).toBe(25);
    for (const person of small) expect(large.get(person.id)).toEqual(person);
    // Paging changes nothing about the persons either.
    expect(all({ entityAmount: 5, thirdPartyBatchSize: 2 })).toEqual([...large.values()]);
  });

  it('yields 5 × entityAmount persons, department by department, in pages of thirdPartyBatchSize', () => {
    const pages = [...fakePersonPages({ entityAmount: 7, thirdPartyBatchSize: 3 })];
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1, 3, 3, 1, 3, 3, 1, 3, 3, 1, 3, 3, 1]);
    for (const page of pages) expect(new Set(page.map((p) => p.department.id)).size).toBe(1);
    const expectedIds = FAKE_DEPARTMENTS.flatMap((d) => Array.from({ length: 7 }, (_, i) => `${d.id}-${i}`));
    expect(pages.flat().map((p) => p.id)).toEqual(expectedIds);
  });

  it('defaults to 20 persons per department in one page each', () => {
    const pages = [...fakePersonPages({})];
    expect(pages.map((p) => p.length)).toEqual([20, 20, 20, 20, 20]);
  });

  it('gives no persons for entityAmount 0', () => {
    expect([...fakePersonPages({ entityAmount: 0 })]).toEqual([]);
  });

  it('sizes each person JSON at entityKbSize KB by padding bio', () => {
    for (const kb of [1, 3, 40]) {
      for (const person of all({ entityAmount: 4, entityKbSize: kb })) {
        const json = JSON.stringify(person);
        expect(new TextEncoder().encode(json).length).toBe(kb * 1024);
        expect(person.bio.startsWith(`Person ${person.id} works in ${person.department.name}. `)).toBe(true);
        expect(person.bio).toMatch(/^[A-Za-z0-9 .-]+[^ ]$/);
      }
    }
  });

  it('shapes persons like Ocean: synthetic name and email, status, age 20..100, the department inline', () => {
    const persons = all({ entityAmount: 100 });
    const hr3 = persons.find((p) => p.id === 'hr-3');
    expect(hr3).toMatchObject({ id: 'hr-3', name: 'Person hr-3', email: 'hr-3@fake.example.com', department: { id: 'hr', name: 'hr' } });
    expect(Object.keys(hr3!)).toEqual(['id', 'email', 'name', 'status', 'age', 'department', 'bio']);
    for (const p of persons) {
      expect(['WORKING', 'NOPE']).toContain(p.status);
      expect(Number.isInteger(p.age) && p.age >= 20 && p.age <= 100).toBe(true);
      expect(p.id.startsWith(`${p.department.id}-`)).toBe(true);
    }
    expect(new Set(persons.map((p) => p.status))).toEqual(new Set(['WORKING', 'NOPE']));
    expect(new Set(persons.map((p) => p.age)).size).toBeGreaterThan(10);
  });

  it('has Ocean\'s five departments, returned as fresh copies', () => {
    expect(fakeDepartments()).toEqual(['hr', 'marketing', 'finance', 'support', 'morpazia'].map((id) => ({ id, name: id })));
    const copy = fakeDepartments();
    copy[0].name = 'changed';
    expect(FAKE_DEPARTMENTS[0].name).toBe('hr');
    expect(fakePerson(FAKE_DEPARTMENTS[0], 0).department.name).toBe('hr');
  });

  it('fills in missing config values, and refuses bad ones naming the setting (Ocean silently used the default)', () => {
    expect(resolveFakeConfig(undefined)).toEqual({ entityAmount: 20, entityKbSize: 1, thirdPartyBatchSize: 1000, thirdPartyLatencyMs: 0, changedPersons: 0 });
    expect(resolveFakeConfig({ entityAmount: '7', thirdPartyBatchSize: 50 })).toEqual({ entityAmount: 7, entityKbSize: 1, thirdPartyBatchSize: 50, thirdPartyLatencyMs: 0, changedPersons: 0 });
    expect(() => resolveFakeConfig({ entityAmount: -5 })).toThrow(/entityAmount: expected an integer of 0 or more \(persons per department\)/);
    expect(() => resolveFakeConfig({ entityKbSize: 0, thirdPartyLatencyMs: 'x' })).toThrow(/entityKbSize: .*; thirdPartyLatencyMs: expected an integer of 0 or more/);
    expect(() => resolveFakeConfig({ entityKbSize: 2.9 })).toThrow(/entityKbSize/);
    expect(resolveFakeConfig({ changedPersons: '10' }).changedPersons).toBe(10);
    expect(() => resolveFakeConfig({ changedPersons: -3 })).toThrow(/changedPersons: expected an integer of 0 or more/);
  });
});

describe('paging through the fake API', () => {
  it('waits thirdPartyLatencyMs before each page', async () => {
    vi.useFakeTimers();
    const pages = fakePersons({ entityAmount: 2, thirdPartyBatchSize: 1, thirdPartyLatencyMs: 1000 });
    let settled = false;
    const first = pages.next().then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ids(await first)).toEqual(['hr-0']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops with the signal\'s reason when aborted between pages', async () => {
    const controller = new AbortController();
    const pages = fakePersons({ entityAmount: 5, thirdPartyBatchSize: 2 }, controller.signal);
    const first = await pages.next();
    expect(ids(first)).toEqual(['hr-0', 'hr-1']);
    const reason = new Error('superseded');
    controller.abort(reason);
    await expect(pages.next()).rejects.toBe(reason);
    expect(await pages.next()).toEqual({ done: true, value: undefined });
  });

  it('stops while waiting out the latency', async () => {
    const controller = new AbortController();
    const pages = fakePersons({ entityAmount: 5, thirdPartyLatencyMs: 3_600_000 }, controller.signal);
    const pending = pages.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('produces nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(fakePersons({}, controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the integration definition', () => {
  it("declares type fake, its version and Ocean's five kinds", () => {
    expect(fake.type).toBe('fake');
    expect(fake.version).toBe(FAKE_INTEGRATION_VERSION);
    expect(FAKE_INTEGRATION_VERSION).toBe('0.1.0');
    expect(Object.keys(fake.kinds)).toEqual(['fake-department', 'fake-person', 'fake-office', 'fake-team', 'fake-project']);
  });

  it('resyncs the same offices, teams and projects every time, whatever entityAmount is', async () => {
    const offices = (await fake.kinds['fake-office'].resync(kindContext('fake-office', {}))) as FakeOffice[];
    const teams = (await fake.kinds['fake-team'].resync(kindContext('fake-team', { entityAmount: 0 }))) as FakeTeam[];
    const projects = (await fake.kinds['fake-project'].resync(kindContext('fake-project', { entityAmount: 500 }))) as FakeProject[];
    expect([offices.length, teams.length, projects.length]).toEqual([8, 12, FAKE_PROJECT_COUNT]);
    expect(FAKE_PROJECT_COUNT).toBe(40);
    expect(await fake.kinds['fake-project'].resync(kindContext('fake-project', {}))).toEqual(projects);
    for (const list of [offices, teams, projects]) expect(new Set(list.map((x) => x.id)).size).toBe(list.length);
    // Every reference points at something that exists, so relations resolve without stubs.
    const departmentIds = FAKE_DEPARTMENTS.map((d) => d.id);
    for (const team of teams) expect(departmentIds).toContain(team.department.id);
    for (const project of projects) expect(teams.map((t) => t.id)).toContain(project.team.id);
    expect(new Set(projects.map((p) => p.status))).toEqual(new Set(['active', 'completed', 'pending']));
    expect(offices.some((o) => o.address.lines.length > 1)).toBe(true);
    // Fresh copies: a handler's caller cannot alter the next resync.
    offices[0]!.name = 'changed';
    expect(((await fake.kinds['fake-office'].resync(kindContext('fake-office', {}))) as FakeOffice[])[0]!.name).not.toBe('changed');
  });

  it('resyncs departments as one array and persons as pages from ctx.config', async () => {
    expect(await fake.kinds['fake-department'].resync(kindContext('fake-department', {}))).toEqual(fakeDepartments());
    const config = { entityAmount: 4, entityKbSize: 1, thirdPartyBatchSize: 3, thirdPartyLatencyMs: 0 };
    const pages = await collect(fake.kinds['fake-person'].resync(kindContext('fake-person', config)) as AsyncIterable<RawItem[]>);
    expect(pages).toEqual([...fakePersonPages(config)]);
    expect(pages.flat()).toHaveLength(20);
  });

  it('stops the person resync when ctx.signal aborts', async () => {
    const controller = new AbortController();
    const handler = fake.kinds['fake-person'].resync(kindContext('fake-person', { thirdPartyBatchSize: 1 }, controller.signal));
    const pages = (handler as AsyncIterable<RawItem[]>)[Symbol.asyncIterator]();
    await pages.next();
    controller.abort();
    await expect(pages.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('.port/spec.yaml', () => {
  const spec = parseSpecText(read('spec.yaml'));

  it("parses, with Ocean's four configurations, Tide's changedPersons and the optional webhook secret, and their defaults", () => {
    expect(spec.type).toBe('fake');
    expect(spec.configurations.map(({ name, type, required, default: d, sensitive }) => ({ name, type, required, default: d, sensitive }))).toEqual([
      { name: 'entityAmount', type: 'integer', required: false, default: 20, sensitive: false },
      { name: 'entityKbSize', type: 'integer', required: false, default: 1, sensitive: false },
      { name: 'thirdPartyBatchSize', type: 'integer', required: false, default: 1000, sensitive: false },
      { name: 'thirdPartyLatencyMs', type: 'integer', required: false, default: 0, sensitive: false },
      { name: 'changedPersons', type: 'integer', required: false, default: 0, sensitive: false },
      { name: 'webhookSecret', type: 'string', required: false, default: undefined, sensitive: true },
    ]);
    expect(spec.configurations[0].description).toMatch(/per department/);
  });

  it('takes Ocean\'s OCEAN__INTEGRATION__CONFIG__* variables', () => {
    const result = loadSettings({
      spec,
      env: { OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '7', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '25' },
      integrationDefaults: { type: fake.type, version: fake.version },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.settings.integration.type).toBe('fake');
    expect(result.settings.integration.config).toEqual({ entityAmount: 7, entityKbSize: 1, thirdPartyBatchSize: 1000, thirdPartyLatencyMs: 25, changedPersons: 0 });
  });
});

describe('.port/resources', () => {
  const files = ['blueprints.json', 'port-app-config.yml'].map((name) => ({ name, text: read(join('resources', name)) }));
  const resources = parsePortResources(files);
  const mapping = parsePortAppConfig(resources.portAppConfig, { source: '.port/resources/port-app-config.yml' });

  it('ships both blueprints; fake-person requires nothing and relates to its department', () => {
    const [department, person] = resources.blueprints as Array<{ identifier: string; schema: { properties: Record<string, unknown>; required?: string[] }; relations?: Record<string, Record<string, unknown>> }>;
    expect(department.identifier).toBe('fake-department');
    expect(Object.keys(department.schema.properties)).toEqual(['name', 'id']);
    expect(person.identifier).toBe('fake-person');
    expect(person.schema.required ?? []).toEqual([]);
    expect(person.schema.properties).toMatchObject({ email: { format: 'email' }, status: { enum: ['WORKING', 'NOPE'] }, age: { type: 'number' } });
    expect(person.relations).toEqual({ department: { title: 'Department', description: 'Fake Department', target: 'fake-department', required: false, many: false } });
  });

  it('maps only properties and relations the blueprints define', () => {
    for (const res of mapping.resources) {
      const m = res.port.entity.mappings as { blueprint: string; properties: Record<string, string>; relations: Record<string, string> };
      const blueprint = resources.blueprints.find((b) => `"${b.identifier as string}"` === m.blueprint) as {
        schema: { properties: Record<string, unknown> };
        relations?: Record<string, unknown>;
      };
      expect(blueprint).toBeDefined();
      for (const name of Object.keys(m.properties)) expect(Object.keys(blueprint.schema.properties)).toContain(name);
      for (const name of Object.keys(m.relations)) expect(Object.keys(blueprint.relations ?? {})).toContain(name);
    }
  });

  it('maps one resource per kind, each to its own blueprint', () => {
    expect(mapping.resources.map((r) => [r.kind, r.selector.query])).toEqual(
      ['fake-department', 'fake-person', 'fake-office', 'fake-team', 'fake-project'].map((kind) => [kind, 'true']),
    );
    expect(resources.blueprints.map((b) => b.identifier)).toEqual(['fake-department', 'fake-person', 'fake-office', 'fake-team', 'fake-project']);
  });

  it('maps an office, a team and a project into the expected entities', async () => {
    const mapper = createMapper();
    const [office] = fakeOffices().filter((o) => o.address.lines.length > 1);
    const offices = await mapper.mapBatch(mapping.resources[2], [office], { resourceIndex: 2 });
    expect(offices.entities.map((e) => e.entity)).toEqual([
      {
        identifier: office.id,
        title: office.name,
        blueprint: 'fake-office',
        properties: { city: office.address.city, country: office.address.country, address: office.address.lines.join(', '), latitude: office.address.geo.lat, longitude: office.address.geo.lng },
        // No relations in the mapping: no empty relations group in the body (docs/behaviour.md §3.6).
      },
    ]);
    const team = fakeTeams()[0]!;
    const teams = await mapper.mapBatch(mapping.resources[3], [team], { resourceIndex: 3 });
    expect(teams.entities.map((e) => e.entity)).toEqual([
      { identifier: team.id, title: team.name, blueprint: 'fake-team', properties: { leadName: team.lead.name, leadEmail: team.lead.email }, relations: { department: team.department.id } },
    ]);
    const project = fakeProjects()[0]!;
    const projects = await mapper.mapBatch(mapping.resources[4], [project], { resourceIndex: 4 });
    expect(projects.entities.map((e) => e.entity)).toEqual([
      { identifier: project.id, title: project.name, blueprint: 'fake-project', properties: { status: project.status, description: project.description }, relations: { team: project.team.id } },
    ]);
    for (const r of [offices, teams, projects]) expect([r.misconfigurations, r.selectorErrors]).toEqual([[], []]);
  });

  it('maps a department and a person into the expected entities', async () => {
    const mapper = createMapper();
    const departments = await mapper.mapBatch(mapping.resources[0], fakeDepartments().slice(0, 1), { resourceIndex: 0 });
    expect(departments.entities.map((e) => e.entity)).toEqual([
      { identifier: 'hr', title: 'hr', blueprint: 'fake-department', properties: { name: 'hr', id: 'hr' } },
    ]);
    const person = fakePerson(FAKE_DEPARTMENTS[3], 2);
    const persons = await mapper.mapBatch(mapping.resources[1], [person], { resourceIndex: 1 });
    expect(persons.entities.map((e) => e.entity)).toEqual([
      {
        identifier: 'support-2',
        title: 'Person support-2',
        blueprint: 'fake-person',
        properties: { name: 'Person support-2', email: 'support-2@fake.example.com', status: person.status, age: person.age, department: 'support', bio: person.bio },
        relations: { department: 'support' },
      },
    ]);
    expect(persons.misconfigurations).toEqual([]);
    expect(persons.selectorErrors).toEqual([]);
  });
});
