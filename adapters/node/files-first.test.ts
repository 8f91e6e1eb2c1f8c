/**
 * Edits of `.port/resources/` after the first start (docs/behaviour.md §7.4), end to end with the fake
 * integration over a copy of its `.port/` folder: the embedded Port follows the files (mapping pushed,
 * additive blueprint changes applied, destructive ones only with --force); a real Port keeps its own
 * mapping and one warning names what differs; `--mapping FILE` is pushed (sail) or only planned (plan);
 * `tide defaults dock --update` pushes the files to a real Port.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortEmulator } from '../../emulator/index.ts';
import fake from '../../integrations/fake/index.ts';
import { runDefaults } from './cli/defaults.ts';
import { serve, type ServeOptions } from './sail.ts';
import { harness, startTestPort, tempCwd, type TestPort } from './test-support.ts';
import { emulatorClient } from 'port-tide/testing';

const FAKE_PORT_DIR = fileURLToPath(new URL('../../integrations/fake/.port', import.meta.url));

let cwd: ReturnType<typeof tempCwd>;
let h: ReturnType<typeof harness>;
beforeEach(() => {
  cwd = tempCwd();
  cpSync(FAKE_PORT_DIR, join(cwd.dir, '.port'), { recursive: true });
  h = harness();
});
afterEach(async () => {
  await h.stopAll();
  cwd.remove();
});

const mappingFile = () => join(cwd.dir, '.port', 'resources', 'port-app-config.yml');
const blueprintsFile = () => join(cwd.dir, '.port', 'resources', 'blueprints.json');
/** A user's edit of the person mapping: titles gain the department. */
const PERSON_TITLE = `title: .name + " (" + .department.name + ")"`;
function editMapping(): void {
  const text = readFileSync(mappingFile(), 'utf8');
  const edited = text.replace(/(blueprint: '"fake-person"'\n)/, '$1').replace(/(- kind: fake-person[\s\S]*?)title: \.name/, `$1${PERSON_TITLE}`);
  expect(edited).not.toBe(text);
  writeFileSync(mappingFile(), edited);
}
type Blueprint = { identifier: string; schema: { properties: Record<string, Record<string, unknown>> }; relations?: Record<string, unknown> };
function editBlueprints(edit: (person: Blueprint) => void): void {
  const blueprints = JSON.parse(readFileSync(blueprintsFile(), 'utf8')) as Blueprint[];
  edit(blueprints.find((b) => b.identifier === 'fake-person')!);
  writeFileSync(blueprintsFile(), JSON.stringify(blueprints, null, 2));
}

const once = async (env: Record<string, string>, extra: Partial<ServeOptions> = {}) =>
  h.track(await serve(fake, { dir: cwd.dir, cwd: cwd.dir, env: { OCEAN__EVENT_LISTENER__TYPE: 'ONCE', OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '1', ...env }, handleSignals: false, out: h.out, ...extra }));

interface Snapshot {
  blueprints: Blueprint[];
  entities: Array<{ blueprint: string; identifier: string; title: string }>;
  integrations: Array<{ identifier: string; config: { resources: Array<{ kind: string; port: { entity: { mappings: { title: string } } } }> } }>;
}
/** The embedded Port's catalog, read from its file after the run closed it. */
async function embeddedCatalog(): Promise<Snapshot> {
  const emulator = createPortEmulator({ db: join(cwd.dir, '.tide', 'port.db') });
  try {
    return (await emulatorClient({ baseUrl: 'http://local', fetch: emulator.fetch }).admin<{ snapshot: Snapshot }>('GET', '/snapshot')).snapshot;
  } finally {
    await emulator.close();
  }
}
const personTitle = (s: Snapshot) => s.integrations[0]!.config.resources.find((r) => r.kind === 'fake-person')!.port.entity.mappings.title;

describe('the embedded Port follows the integration files', () => {
  it('pushes a changed mapping and additive blueprint changes before the resync', async () => {
    expect((await once({})).exitCode, h.lines.join('\n')).toBe(0);
    const before = await embeddedCatalog();
    expect(before.entities.find((e) => e.identifier === 'hr-0')!.title).toBe('Person hr-0');

    editMapping();
    editBlueprints((person) => {
      person.schema.properties.nickname = { type: 'string', title: 'Nickname' };
      (person.schema.properties.status.enum as string[]).push('ON_LEAVE');
    });
    expect((await once({})).exitCode, h.lines.join('\n')).toBe(0);
    const after = await embeddedCatalog();
    expect(personTitle(after)).toBe('.name + " (" + .department.name + ")"');
    expect(after.entities.find((e) => e.identifier === 'hr-0')!.title).toBe('Person hr-0 (hr)');
    const person = after.blueprints.find((b) => b.identifier === 'fake-person')!;
    expect(person.schema.properties.nickname).toMatchObject({ type: 'string', title: 'Nickname' });
    expect(person.schema.properties.status.enum).toEqual(['WORKING', 'NOPE', 'ON_LEAVE']);
    expect(h.lines.some((l) => /Pushing the mapping from \.port\/resources\/port-app-config to Port \(differs in resources\[1\] \(fake-person\)\)/.test(l))).toBe(true);
  });

  it('holds back a destructive blueprint change until --force, saying what it would do', async () => {
    expect((await once({})).exitCode).toBe(0);
    editBlueprints((person) => {
      delete person.schema.properties.bio;
      person.schema.properties.age = { type: 'string', title: 'Age' };
    });
    const held = await once({});
    expect(held.exitCode).toBe(0);
    expect(held.provision?.files.blueprints.destructive).toEqual([
      { identifier: 'fake-person', changes: ['property "age" retyped (number → string)', 'property "bio" removed'] },
    ]);
    expect(h.lines.some((l) => /destructive changes that are not applied: .*"bio" removed.*--force/.test(l))).toBe(true);
    let person = (await embeddedCatalog()).blueprints.find((b) => b.identifier === 'fake-person')!;
    expect(Object.keys(person.schema.properties)).toContain('bio');
    expect(person.schema.properties.age.type).toBe('number');

    const forced = await once({}, { force: true });
    expect(forced.provision?.files.blueprints.forced).toBe(true);
    person = (await embeddedCatalog()).blueprints.find((b) => b.identifier === 'fake-person')!;
    expect(Object.keys(person.schema.properties)).not.toContain('bio');
    expect(person.schema.properties.age.type).toBe('string');
  });
});

describe('a real Port keeps its mapping', () => {
  let port: TestPort;
  beforeEach(async () => {
    port = await startTestPort();
  });
  afterEach(async () => {
    await port.emulator.close();
  });
  const storedPersonTitle = async () =>
    ((await port.integration('fake-node')) as Snapshot['integrations'][0]).config.resources.find((r) => r.kind === 'fake-person')!.port.entity.mappings.title;

  it('warns once, naming the resources that differ, and resyncs with the stored mapping', async () => {
    expect((await once(port.env())).exitCode).toBe(0);
    editMapping();
    h.lines.length = 0;
    expect((await once(port.env())).exitCode).toBe(0);
    const warnings = h.lines.filter((l) => l.includes('differs from'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/The mapping stored in Port differs from \.port\/resources\/port-app-config in resources\[1\] \(fake-person\); Port's mapping is used.*tide defaults dock --update.*--mapping FILE/);
    expect(await storedPersonTitle()).toBe('.name');
    expect(((await port.entities()) as unknown as Array<{ identifier: string; title: string }>).find((e) => e.identifier === 'hr-0')?.title).toBe('Person hr-0');
  });

  it('--mapping FILE is pushed before the resync; plan --mapping FILE only shows it', async () => {
    expect((await once(port.env())).exitCode).toBe(0);
    editMapping();
    const file = join(cwd.dir, 'mapping.yml');
    cpSync(mappingFile(), file);

    const writesBefore = (await port.requests()).length;
    const plan = await once(port.env(), { dryRun: true, mapping: 'mapping.yml' });
    expect(plan.exitCode, h.lines.join('\n')).toBe(0);
    expect(plan.provision?.files).toMatchObject({ mappingSource: 'mapping.yml', mappingDiffers: ['resources[1] (fake-person)'], mappingPushed: true });
    expect(plan.plan?.blueprints['fake-person'].counts).toMatchObject({ updates: 10, unchanged: 0 });
    expect(h.lines).toContain("  mapping: would push mapping.yml (Port's differs in resources[1] (fake-person))");
    const planWrites = (await port.requests()).slice(writesBefore).filter((r: { method: string; path: string }) => r.method !== 'GET' && !/access_token|search|datasource-entities/.test(r.path));
    expect(planWrites).toEqual([]);
    expect(await storedPersonTitle()).toBe('.name');

    const run = await once(port.env({ OCEAN__MAPPING_FILE: 'mapping.yml' }));
    expect(run.exitCode).toBe(0);
    expect(await storedPersonTitle()).toBe('.name + " (" + .department.name + ")"');
    expect(((await port.entities()) as unknown as Array<{ identifier: string; title: string }>).find((e) => e.identifier === 'hr-0')?.title).toBe('Person hr-0 (hr)');
  });

  it('a --mapping file with a bad field stops the run before Port is contacted, naming the file', async () => {
    writeFileSync(join(cwd.dir, 'broken.yml'), 'resources:\n  - kind: fake-person\n    port: {}\n');
    const run = await once(port.env(), { mapping: 'broken.yml' });
    expect(run.exitCode).toBe(2);
    expect(h.lines.join('\n')).toMatch(/broken\.yml/);
    expect(await port.requests()).toEqual([]);
  });

  it('tide defaults dock --update pushes the file mapping and additive blueprint changes', async () => {
    expect((await once(port.env())).exitCode).toBe(0);
    editMapping();
    editBlueprints((person) => {
      person.schema.properties.nickname = { type: 'string' };
    });
    // The folder as a user's integration: an entry module beside .port/, settings in ./.env.
    writeFileSync(join(cwd.dir, 'index.ts'), `export { default } from ${JSON.stringify(fileURLToPath(new URL('../../integrations/fake/index.ts', import.meta.url)))};\n`);
    writeFileSync(join(cwd.dir, '.env'), Object.entries(port.env({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '1' })).map(([k, v]) => `${k}=${v}`).join('\n'));
    const out: string[] = [];
    const code = await runDefaults('dock', cwd.dir, { update: true }, cwd.dir, (t) => void out.push(t));
    expect(code, out.join('')).toBe(0);
    expect(out.join('')).toMatch(/blueprint fake-person: apply property "nickname" added/);
    expect(await storedPersonTitle()).toBe('.name + " (" + .department.name + ")"');
    expect((await port.api('GET', '/v1/blueprints/fake-person')).body.blueprint.schema.properties.nickname).toEqual({ type: 'string' });
  });
});
