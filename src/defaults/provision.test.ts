import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { createMemoryLogger } from '../logging/logger.ts';
import { createPortClient, type PortClient } from '../port/index.ts';
import { cleanDefaults } from './clean.ts';
import { defaultsPortFor } from './port-adapter.ts';
import { ProvisionError, mappingForPort, provisionDefaults } from './provision.ts';
import { parsePortResources, type PortResources } from './resources.ts';
import { emulatorClient, type RequestFilter } from '../testing/emulator-client.ts';

const CREDS = { clientId: 'provision-id', clientSecret: 'provision-secret' };
const BASE = 'http://emulator.local';
const IDENTIFIER = 'my-acme';

const files = [
  {
    name: 'blueprints.json',
    text: JSON.stringify([
      { identifier: 'acme-team', title: 'Team', schema: { properties: { name: { type: 'string' } }, required: [] } },
      {
        identifier: 'acme-service',
        title: 'Service',
        schema: { properties: { url: { type: 'string', format: 'url' } }, required: [] },
        relations: { team: { target: 'acme-team', title: 'Team', required: false, many: false } },
        calculationProperties: { upper: { title: 'Upper', calculation: '.title | ascii_upcase', type: 'string' } },
      },
    ]),
  },
  {
    name: 'port-app-config.yml',
    text: [
      'resources:',
      '  - kind: service',
      '    selector:',
      "      query: 'true'",
      '    port:',
      '      entity:',
      '        mappings:',
      '          identifier: .id',
      `          blueprint: '"acme-service"'`,
    ].join('\n'),
  },
  { name: 'notes.txt', text: 'ignored' },
];

let emulator: PortEmulator;
let client: PortClient;
let resources: PortResources;

const port = () => emulatorClient({ baseUrl: BASE, fetch: emulator.fetch });
const requests = async (filter: RequestFilter = {}) => (await port().requests(filter)).filter((r) => r.path !== '/v1/auth/access_token');
const writes = async () => (await requests()).filter((r) => r.method !== 'GET');
const clearLog = () => port().clearRequests();

const provision = (over: Partial<Parameters<typeof provisionDefaults>[0]> = {}) =>
  provisionDefaults({
    port: defaultsPortFor(createPortClient({ baseUrl: BASE, ...CREDS, fetch: emulator.fetch, userAgent: { type: 'acme', version: '1.2.0', identifier: IDENTIFIER } }), IDENTIFIER),
    integration: { identifier: IDENTIFIER, type: 'acme', version: '1.2.0' },
    changelogDestination: {},
    resources,
    initializePortResources: true,
    ...over,
  });

beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  client = createPortClient({ baseUrl: BASE, ...CREDS, fetch: emulator.fetch, userAgent: { type: 'acme', version: '1.2.0', identifier: IDENTIFIER } });
  resources = parsePortResources(files);
});
afterEach(() => emulator.close());

describe('defaults provisioning against the emulator', () => {
  it('first start creates the integration with the default mapping and the blueprints in three stages', async () => {
    const report = await provision();
    expect(report).toMatchObject({ integration: 'created', setup: 'created', errors: [] });
    expect((await requests()).every((r) => r.oceanInfo.event_type === 'start')).toBe(true);
    expect(report.blueprints.created).toEqual(['acme-team', 'acme-service']);

    const integration = await client.getIntegration(IDENTIFIER);
    expect(integration?.config).toEqual(mappingForPort(resources.portAppConfig));
    expect(integration?.config).toMatchObject({ deleteDependentEntities: true, createMissingRelatedEntities: true, enableMergeEntity: true, entityDeletionThreshold: 0.9 });
    expect(integration).toMatchObject({ installationAppType: 'acme', version: '1.2.0', arePortResourcesInitialized: true });

    const blueprintWrites = (await writes()).filter((r) => r.path.startsWith('/v1/blueprints'));
    const creates = blueprintWrites.filter((r) => r.method === 'POST');
    expect(creates.map((r) => r.body.identifier).sort()).toEqual(['acme-service', 'acme-team']);
    for (const c of creates) expect(c.body).not.toHaveProperty('relations'), expect(c.body).not.toHaveProperty('calculationProperties');
    const patches = blueprintWrites.filter((r) => r.method === 'PATCH' && r.path === '/v1/blueprints/acme-service');
    expect(patches[0].body).toEqual({ relations: { team: { target: 'acme-team', title: 'Team', required: false, many: false } } });
    expect(patches[1].body).toHaveProperty('calculationProperties.upper');
    expect(blueprintWrites.indexOf(patches[0])).toBeGreaterThan(Math.max(...creates.map((c) => blueprintWrites.indexOf(c))));

    const service = await client.getBlueprint('acme-service');
    expect(service?.relations).toHaveProperty('team.target', 'acme-team');
  });

  it('a second start is a no-op: no write reaches Port', async () => {
    await provision();
    await clearLog();
    const report = await provision();
    expect(report).toMatchObject({ integration: 'existing', drift: [], setup: 'already-initialized', errors: [] });
    expect(await writes()).toEqual([]);
  });

  it('patches drifted metadata, always sending the running version', async () => {
    await provision();
    await clearLog();
    const report = await provision({ integration: { identifier: IDENTIFIER, type: 'acme', version: '1.3.0' }, changelogDestination: { type: 'KAFKA' } });
    expect(report.drift.sort()).toEqual(['changelogDestination', 'version']);
    const w = await writes();
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ method: 'PATCH', path: `/v1/integration/${IDENTIFIER}` });
    expect(w[0].body).toMatchObject({ version: '1.3.0', changelogDestination: { type: 'KAFKA' }, installationAppType: 'acme' });
  });

  it('creates nothing when any default blueprint already exists, and marks setup done', async () => {
    await client.createBlueprint({ identifier: 'acme-team', title: 'Existing team', schema: { properties: {}, required: [] } } as never);
    const report = await provision();
    expect(report).toMatchObject({ setup: 'skipped-existing-blueprints' });
    expect(report.blueprints.existing).toEqual(['acme-team']);
    expect(await client.getBlueprint('acme-service')).toBeUndefined();
    expect((await client.getBlueprint('acme-team'))?.title).toBe('Existing team');
    expect((await client.getIntegration(IDENTIFIER))?.arePortResourcesInitialized).toBe(true);
  });

  it('rolls back stage 1 when a blueprint cannot be created, and later starts skip setup', async () => {
    await port().faults({ match: { method: 'POST', path: '/v1/blueprints' }, after: 1, times: 1, action: { type: 'status', status: 422 } });
    const logger = createMemoryLogger();
    const report = await provision({ logger });
    expect(report.setup).toBe('rolled-back');
    expect(report.blueprints.rolledBack).toHaveLength(1);
    expect(report.errors[0]).toMatch(/create blueprint "acme-(team|service)"/);
    expect(await client.getBlueprint('acme-team')).toBeUndefined();
    expect(await client.getBlueprint('acme-service')).toBeUndefined();
    expect(logger.records.some((r) => r.level === 'error' && /rolling back/.test(r.message))).toBe(true);
    expect((await client.getIntegration(IDENTIFIER))?.arePortResourcesInitialized).toBe(true);

    await clearLog();
    expect((await provision()).setup).toBe('already-initialized');
    expect(await writes()).toEqual([]);
  });

  it('refuses to create the integration without a version', async () => {
    await expect(provision({ integration: { identifier: IDENTIFIER, type: 'acme', version: undefined } })).rejects.toThrow(ProvisionError);
    await expect(provision({ integration: { identifier: IDENTIFIER, type: 'acme', version: undefined } })).rejects.toThrow(/version is unknown/);
    expect(await client.getIntegration(IDENTIFIER)).toBeUndefined();
  });

  it('with initializePortResources=false creates the integration but no blueprints, leaving setup open', async () => {
    const report = await provision({ initializePortResources: false });
    expect(report).toMatchObject({ integration: 'created', setup: 'disabled' });
    expect(await client.getBlueprint('acme-team')).toBeUndefined();
    expect((await client.getIntegration(IDENTIFIER))?.arePortResourcesInitialized).toBe(false);
  });

  it('an Empty origin writes the empty mapping and nothing else', async () => {
    await client.createIntegration({ installationId: IDENTIFIER, installationAppType: 'acme', version: '1.2.0', createPortResourcesOrigin: 'Empty' } as never);
    const report = await provision();
    expect(report.setup).toBe('empty-origin');
    expect((await client.getIntegration(IDENTIFIER))?.config).toEqual(mappingForPort({ resources: [] }));
    expect(await client.getBlueprint('acme-team')).toBeUndefined();
  });

  it('a dry run only reads, and reports what it would create', async () => {
    const report = await provision({ dryRun: true });
    expect(report).toMatchObject({ dryRun: true, integration: 'created', setup: 'created', mappingWritten: false });
    expect(report.blueprints.created).toEqual(['acme-team', 'acme-service']);
    expect(await writes()).toEqual([]);
    expect(await client.getIntegration(IDENTIFIER)).toBeUndefined();
  });
});

describe('defaults clean against the emulator', () => {
  const port = () => defaultsPortFor(client, IDENTIFIER);

  it('does nothing when the integration does not exist', async () => {
    const report = await cleanDefaults({ port: port(), resources });
    expect(report.integrationFound).toBe(false);
    expect(await writes()).toEqual([]);
  });

  it('deletes the default blueprints, referencing ones first; refuses while entities exist without force', async () => {
    await provision();
    await client.upsertEntities('acme-team', [{ identifier: 't1', properties: {} }]);
    const report = await cleanDefaults({ port: port(), resources });
    expect(report.deleted).toEqual(['acme-service']);
    expect(report.failed.map((f) => f.blueprint)).toEqual(['acme-team']);
    expect(await client.getBlueprint('acme-team')).toBeDefined();
  });

  it('with force deletes entities through migrations, waits for them, and with destroy removes the integration', async () => {
    await provision();
    await client.upsertEntities('acme-team', [{ identifier: 't1', properties: {} }]);
    const report = await cleanDefaults({ port: port(), resources, force: true, wait: true, destroy: true, sleep: async () => {} });
    expect(report.deleted).toEqual(['acme-service', 'acme-team']);
    expect(report.migrations.map((m) => m.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(report.integrationDeleted).toBe(true);
    expect(await client.getBlueprint('acme-team')).toBeUndefined();
    expect(await client.getIntegration(IDENTIFIER)).toBeUndefined();
  });
});

describe('parsePortResources', () => {
  it('reads every recognised stem and ignores other files', () => {
    expect(resources.blueprints.map((b) => b.identifier)).toEqual(['acme-team', 'acme-service']);
    expect(resources.portAppConfig).toHaveProperty('resources');
  });

  it('names the file and the problem', () => {
    expect(() => parsePortResources([{ name: 'blueprints.txt', text: '[]' }])).toThrow(/\.port\/resources\/blueprints\.txt: unsupported extension "\.txt"/);
    expect(() => parsePortResources([{ name: 'blueprints.json', text: '[{' }])).toThrow(/blueprints\.json: not valid JSON/);
    expect(() => parsePortResources([{ name: 'blueprints.yml', text: 'a: 1' }])).toThrow(/blueprints\.yml: expected a list of blueprints/);
    expect(() => parsePortResources([{ name: 'scorecards.json', text: '[{"blueprint": 1}]' }])).toThrow(/scorecards\.json: \[0\] expected \{blueprint/);
    expect(() =>
      parsePortResources([
        { name: 'pages.json', text: '[]' },
        { name: 'pages.yml', text: '[]' },
      ]),
    ).toThrow(/pages is also defined by/);
  });
});
