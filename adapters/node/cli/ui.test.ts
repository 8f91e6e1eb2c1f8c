import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmulator, type TestEmulator } from '../../../emulator/test-helpers.ts';
import { createPlaygroundEvaluator } from './ui.ts';

/**
 * The mapping playground's API with Tide's own mapper wired in (what `tide port-local` and `tide ui` run):
 * values, jq errors and the blueprint check per field, mapping errors by path, and items as JSON or NDJSON.
 */
const UI = 'http://127.0.0.1:5555';
const fake = (file: string) => readFileSync(new URL(`../../../integrations/fake/.port/resources/${file}`, import.meta.url), 'utf8');
const mapping = parse(fake('port-app-config.yml')) as { resources: Array<Record<string, any>> };
let t: TestEmulator;

beforeEach(async () => {
  t = await startEmulator({ ui: { evaluate: createPlaygroundEvaluator() } });
  const r = await t.admin('POST', '/seed', { blueprints: JSON.parse(fake('blueprints.json')) });
  expect(r.status).toBe(200);
  await t.call('POST', '/v1/integration', { installationId: 'my-fake', installationAppType: 'fake', version: '1.0', config: mapping });
  await t.call('POST', '/v1/blueprints/fake-department/entities?upsert=true', { identifier: 'hr', title: 'HR' });
});
afterEach(async () => {
  await t.close();
});

interface Field {
  path: string;
  program: string;
  value: unknown;
  error?: string;
}

async function evaluate(resource: object, items: string, index = 1) {
  const res = await t.emulator.fetch(`${UI}/_ui/api/evaluate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tide-ui': '1' },
    body: JSON.stringify({ integration: 'my-fake', index, resource, items }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const person = (edit: (mappings: Record<string, any>) => void) => {
  const resource = structuredClone(mapping.resources[1]);
  edit(resource.port.entity.mappings);
  return resource;
};

const ITEMS = JSON.stringify([
  { id: 'hr-1', name: 'Ada', email: 'ada@example.com', status: 'WORKING', age: 36, department: { id: 'hr', name: 'HR' }, bio: 'x' },
  { id: 'ops-1', name: 'Bob', email: 'bob@example.com', status: 'NOPE', age: 41, department: { id: 'ops', name: 'Ops' }, bio: 'y' },
]);

describe('the playground evaluation', () => {
  it('shows each field and the entity a resync would send, with what Port would say about it', async () => {
    const r = await evaluate(person((m) => (m.properties.department = '.department.name | ascii_downcase')), ITEMS);
    expect(r.status).toBe(200);
    const [first, second] = r.body.preview.items;
    expect(first.selector).toEqual({ passed: true, value: true });
    expect(first.fields.find((f: Field) => f.path === 'properties.department')).toMatchObject({ program: '.department.name | ascii_downcase', value: 'hr' });
    expect(first.entities).toEqual([
      {
        identifier: 'hr-1',
        title: 'Ada',
        blueprint: 'fake-person',
        properties: { name: 'Ada', email: 'ada@example.com', status: 'WORKING', age: 36, department: 'hr', bio: 'x' },
        relations: { department: 'hr' },
      },
    ]);
    expect(r.body.checks[0]).toEqual([[]]);
    // The relation target "ops" does not exist yet: Port creates a stub (createMissingRelatedEntities).
    expect(second.entities[0].relations).toEqual({ department: 'ops' });
    expect(r.body.checks[1][0]).toEqual([{ path: 'relations.department', level: 'info', message: expect.stringContaining('creates it as an empty stub') }]);
  });

  it('shows a jq syntax error at its field, and keeps evaluating the others', async () => {
    const r = await evaluate(person((m) => (m.properties.bio = '.bio |||')), ITEMS);
    expect(r.status).toBe(200);
    const bio = r.body.preview.items[0].fields.find((f: Field) => f.path === 'properties.bio');
    expect(bio.error).toMatch(/syntax error/i);
    expect(bio.value).toBeNull();
    expect(r.body.preview.items[0].fields.find((f: Field) => f.path === 'properties.name').value).toBe('Ada');
  });

  it('flags a type mismatch, an undeclared property and an unknown relation at their fields', async () => {
    const r = await evaluate(
      person((m) => {
        m.properties.age = '.name';
        m.properties.shoe = '.id';
        m.relations.manager = '.id';
      }),
      ITEMS,
    );
    const issues = r.body.checks[0][0] as Array<{ path: string; level: string; message: string }>;
    expect(issues).toContainEqual({ path: 'properties.age', level: 'error', message: expect.stringContaining('expected a value of type number, not string') });
    expect(issues).toContainEqual({ path: 'properties.shoe', level: 'warning', message: expect.stringContaining('Port drops it') });
    expect(issues).toContainEqual({ path: 'relations.manager', level: 'error', message: expect.stringContaining('has no relation "manager"') });
  });

  it('names the path of a mapping the engine rejects, and the line of items that are not JSON', async () => {
    const broken = await evaluate({ kind: 'fake-person', selector: { query: 'true' } }, ITEMS);
    expect(broken.status).toBe(422);
    expect(broken.body.message).toContain('resources[1].port');
    const ndjson = await evaluate(person(() => {}), '{"id":"a","name":"A"}\n{"id":"b","name":"B"}');
    expect(ndjson.body.preview.items.map((i: { entities: Array<{ identifier: string }> }) => i.entities[0].identifier)).toEqual(['a', 'b']);
    const bad = await evaluate(person(() => {}), '{"id":"a"}\nnot json');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/items: .*line 2 is not JSON/);
  });

  it('says when the blueprint does not exist', async () => {
    const r = await evaluate(person((m) => (m.blueprint = '"fake-persn"')), ITEMS);
    expect(r.body.checks[0][0]).toEqual([{ path: 'blueprint', level: 'error', message: expect.stringContaining('"fake-persn" does not exist') }]);
  });
});
