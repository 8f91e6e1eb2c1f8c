import { describe, expect, it } from 'vitest';
import type { SettingsIssue } from './catalogue.ts';
import { SettingsError, formatSettingsErrors, loadSettings, loadSettingsOrThrow } from './settings.ts';
import { sensitiveValues } from './redact.ts';
import type { LoadSettingsOptions, TideSettings } from './settings.ts';
import { parseSpec } from './spec.ts';

const jira = { type: 'jira', version: '1.2.3' };

function ok(opts: LoadSettingsOptions): TideSettings {
  const r = loadSettings({ integrationDefaults: jira, ...opts });
  if (!r.ok) throw new Error(formatSettingsErrors(r.errors));
  return r.settings;
}

function errors(opts: LoadSettingsOptions): SettingsIssue[] {
  const r = loadSettings({ integrationDefaults: jira, ...opts });
  if (r.ok) throw new Error('expected settings errors');
  return r.errors;
}

const spec = parseSpec({
  type: 'jira',
  configurations: [
    { name: 'jiraHost', type: 'url', required: true },
    { name: 'ratio', type: 'number' },
    { name: 'pageSize', type: 'integer', default: 50 },
    { name: 'verbose', type: 'boolean', default: false },
    { name: 'labels', type: 'object' },
    { name: 'projects', type: 'array' },
    { name: 'region', type: 'string', default: 'eu' },
  ],
});
const host = { OCEAN__INTEGRATION__CONFIG__JIRA_HOST: 'https://jira.example.com' };

describe('defaults', () => {
  it('applies every default of the settings table', () => {
    const s = ok({});
    expect(s).toEqual({
      port: { baseUrl: 'https://api.getport.io', mode: 'embedded' },
      integration: {
        identifier: 'my-jira-integration',
        type: 'jira',
        version: '1.2.3',
        config: {},
        incrementalSyncEnabled: false,
        incrementalSyncInterval: 15,
        incrementalSyncCursorStore: 'state',
      },
      eventListener: {
        type: 'POLLING',
        resyncOnStart: true,
        interval: 60,
        brokers: [1, 2, 3].map((n) => `b-${n}-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196`).join(','),
        securityProtocol: 'SASL_SSL',
        authenticationMechanism: 'SCRAM-SHA-512',
        kafkaSecurityEnabled: true,
        consumerPollTimeout: 1,
      },
      initializePortResources: true,
      sendRawDataExamples: true,
      upsertEntitiesBatchMaxLength: 20,
      upsertEntitiesBatchMaxSizeInBytes: 1048576,
      upsertEntitiesConcurrency: 8,
      deleteEntitiesMaxBatchSize: 100,
      clientTimeout: 60,
      allowEnvironmentVariablesJqAccess: true,
      requestBodyMaxSizeInBytes: 10 * 1024 * 1024,
      liveEventsQueueMaxLength: 10_000,
      liveEventsQueueMaxSizeInBytes: 256 * 1024 * 1024,
      shutdownTimeout: 30,
      resyncTriggerMinInterval: 60,
      application: { logLevel: 'INFO', port: 8000, host: '127.0.0.1' },
      actionsProcessor: { enabled: false, pollCheckIntervalSeconds: 10, workersCount: 3, runsBufferHighWatermark: 300, maxRunsBufferUtilPctPerAction: 30, visibilityTimeoutMs: 60_000 },
    });
  });

  it('the safety settings: read from their OCEAN__ names, checked, and the admin token masked', () => {
    const s = ok({
      env: {
        OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES: '2048',
        OCEAN__LIVE_EVENTS_QUEUE_MAX_LENGTH: '5',
        OCEAN__LIVE_EVENTS_QUEUE_MAX_SIZE_IN_BYTES: '4096',
        OCEAN__SHUTDOWN_TIMEOUT: '2.5',
        OCEAN__RESYNC_TRIGGER_MIN_INTERVAL: '0',
        OCEAN__ADMIN_TOKEN: 'sekrit-admin-token',
      },
    });
    expect(s).toMatchObject({
      requestBodyMaxSizeInBytes: 2048,
      liveEventsQueueMaxLength: 5,
      liveEventsQueueMaxSizeInBytes: 4096,
      shutdownTimeout: 2.5,
      resyncTriggerMinInterval: 0,
      adminToken: 'sekrit-admin-token',
    });
    expect(sensitiveValues(s)).toContain('sekrit-admin-token');
    const bad = loadSettings({ env: { OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES: '10MB', OCEAN__SHUTDOWN_TIMEOUT: '0', OCEAN__LIVE_EVENTS_QUEUE_MAX_LENGTH: '-1' }, integrationDefaults: { type: 'jira' } });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? '' : formatSettingsErrors(bad.errors);
    expect(errors).toContain('requestBodyMaxSizeInBytes (OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES) [env OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES]: expected');
    expect(errors).toContain('shutdownTimeout (OCEAN__SHUTDOWN_TIMEOUT)');
    expect(errors).toContain('liveEventsQueueMaxLength (OCEAN__LIVE_EVENTS_QUEUE_MAX_LENGTH)');
  });

  it('derives a lowercase identifier from the type, and takes the type from the spec when the definition has none', () => {
    expect(ok({ integrationDefaults: { type: 'GitLab' } }).integration.identifier).toBe('my-gitlab-integration');
    const fromSpec = loadSettings({ spec, env: host });
    expect(fromSpec.ok && fromSpec.settings.integration).toMatchObject({ type: 'jira', identifier: 'my-jira-integration' });
  });

  it('falls back for type and version: the definition, then the spec, then package.json (§2.4)', () => {
    const pkg = { type: 'acme-pkg', version: '9.9.9' };
    const fromDefinition = loadSettings({ spec, env: host, integrationDefaults: { type: 'defined', version: '1.0.0' }, packageJson: pkg });
    expect(fromDefinition.ok && fromDefinition.settings.integration).toMatchObject({ type: 'defined', version: '1.0.0' });
    const fromSpec = loadSettings({ spec, env: host, packageJson: pkg });
    expect(fromSpec.ok && fromSpec.settings.integration).toMatchObject({ type: 'jira', version: '9.9.9' });
    const fromPackage = loadSettings({ packageJson: pkg });
    expect(fromPackage.ok && fromPackage.settings.integration).toMatchObject({ type: 'acme-pkg', version: '9.9.9', identifier: 'my-acme-pkg-integration' });
  });

  it('requires an integration type from somewhere, and refuses one containing "/"', () => {
    const r = loadSettings({});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([expect.objectContaining({ path: 'integration.type', envVar: 'OCEAN__INTEGRATION__TYPE', source: 'missing' })]);
    }
    const [slash] = errors({ env: { OCEAN__INTEGRATION__TYPE: 'a/b' } });
    expect(formatSettingsErrors([slash])).toBe(
      `integration.type (OCEAN__INTEGRATION__TYPE) [env OCEAN__INTEGRATION__TYPE]: expected a non-empty string without '/', got "a/b"`,
    );
  });
});

describe('precedence and merging', () => {
  const yaml = 'port:\n  clientId: yaml-id\n  clientSecret: yaml-secret\neventListener:\n  type: WEBHOOK\n  interval: 15\n';

  it('env beats config.yaml', () => {
    const s = ok({ env: { OCEAN__PORT__CLIENT_ID: 'env-id' }, configYaml: yaml, overrides: { eventListener: { appHost: 'https://h' } } });
    expect(s.port).toMatchObject({ clientId: 'env-id', clientSecret: 'yaml-secret', mode: 'remote' });
  });

  it('overrides beat env', () => {
    const s = ok({ env: { OCEAN__EVENT_LISTENER__TYPE: 'KAFKA', OCEAN__INITIALIZE_PORT_RESOURCES: 'false' }, overrides: { eventListener: { type: 'ONCE' }, initializePortResources: true } });
    expect(s.eventListener.type).toBe('ONCE');
    expect(s.initializePortResources).toBe(true);
  });

  it('deep-merges across sources key by key', () => {
    const s = ok({ env: { OCEAN__EVENT_LISTENER__TYPE: 'POLLING' }, configYaml: yaml });
    expect(s.eventListener).toMatchObject({ type: 'POLLING', interval: 15 });
  });

  it('lets a config.yaml value apply only where no higher source set the key, and a dropped reference fall to the default', () => {
    const s = ok({ spec, env: host, configYaml: 'integration:\n  config:\n    pageSize: "{{ from env PAGE }}"\n    region: us\n' });
    expect(s.integration.config).toEqual({ jiraHost: 'https://jira.example.com', pageSize: 50, verbose: false, region: 'us' });
  });

  it('raises a required error when the only value was a dropped reference', () => {
    const [e] = errors({ spec, configYaml: { integration: { config: { jiraHost: '{{ from env JIRA_HOST }}' } } } });
    expect(e).toMatchObject({ path: 'integration.config.jiraHost', envVar: 'OCEAN__INTEGRATION__CONFIG__JIRA_HOST', source: 'missing' });
    expect(e.message).toBe('required but not set; expected an absolute URL such as https://example.com');
  });

  it('reads snake_case config.yaml keys, JSON env objects with nested vars over them, and case-insensitive names', () => {
    const s = ok({
      env: { ocean__event_listener: '{"type":"POLLING","interval":5}', Ocean__Event_Listener__Interval: '7' },
      configYaml: 'event_listener:\n  resync_on_start: off\nscheduled_resync_interval: 1.5\n',
    });
    expect(s.eventListener).toMatchObject({ type: 'POLLING', interval: 7, resyncOnStart: false });
    expect(s.scheduledResyncInterval).toBe(1.5);
  });
});

describe('value types', () => {
  it('types integration config from the spec', () => {
    const s = ok({
      spec,
      env: {
        OCEAN__INTEGRATION__CONFIG__JIRA_HOST: 'https://jira.example.com/',
        OCEAN__INTEGRATION__CONFIG__RATIO: '1.5',
        OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: '100',
        OCEAN__INTEGRATION__CONFIG__VERBOSE: 'Yes',
        OCEAN__INTEGRATION__CONFIG__LABELS: '{"team":"a"}',
        OCEAN__INTEGRATION__CONFIG__PROJECTS: '["A","B"]',
      },
    });
    expect(s.integration.config).toEqual({
      jiraHost: 'https://jira.example.com',
      ratio: 1.5,
      pageSize: 100,
      verbose: true,
      labels: { team: 'a' },
      projects: ['A', 'B'],
      region: 'eu',
    });
  });

  it('accepts typed values from config.yaml and an integration.config JSON string', () => {
    const s = ok({
      spec,
      env: { OCEAN__INTEGRATION__CONFIG: '{"jiraHost":"https://j","ratio":2}' },
      configYaml: 'integration:\n  config:\n    pageSize: 7\n    labels: { x: 1 }\n    projects: [P]\n',
    });
    expect(s.integration.config).toMatchObject({ jiraHost: 'https://j', ratio: 2, pageSize: 7, labels: { x: 1 }, projects: ['P'] });
  });

  it.each([
    ['ON', true],
    ['off', false],
    ['1', true],
    ['0', false],
    ['TRUE', true],
    ['no', false],
  ])('reads boolean %s', (text, value) => {
    expect(ok({ env: { OCEAN__SEND_RAW_DATA_EXAMPLES: text } }).sendRawDataExamples).toBe(value);
  });

  it('accepts integration.config as one JSON string from config.yaml, keys matched to the spec', () => {
    const s = ok({ spec, configYaml: { integration: { config: '{"jira_host":"https://j/","page_size":"3"}' } } });
    expect(s.integration.config).toMatchObject({ jiraHost: 'https://j', pageSize: 3 });
  });

  it('rejects values that do not fit, naming the expectation', () => {
    const found = errors({
      spec,
      env: {
        OCEAN__INTEGRATION__CONFIG__JIRA_HOST: 'not a url',
        OCEAN__INTEGRATION__CONFIG__RATIO: '0x10',
        OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: '1.5',
        OCEAN__INTEGRATION__CONFIG__VERBOSE: 'maybe',
        OCEAN__INTEGRATION__CONFIG__LABELS: '[1]',
        OCEAN__INTEGRATION__CONFIG__PROJECTS: '{"a":1}',
      },
    });
    expect(found.map((e) => [e.path, e.message])).toEqual([
      ['integration.config.jiraHost', 'expected an absolute URL such as https://example.com, got "not a url"'],
      ['integration.config.ratio', 'expected a number, got "0x10"'],
      ['integration.config.pageSize', 'expected an integer, got "1.5"'],
      ['integration.config.verbose', 'expected a boolean (true/false, 1/0, yes/no or on/off), got "maybe"'],
      ['integration.config.labels', 'expected an object or a JSON object string, got "[1]"'],
      ['integration.config.projects', 'expected an array or a JSON array string, got "{\\"a\\":1}"'],
    ]);
  });

  it('removes one trailing slash from URLs', () => {
    const s = ok({ env: { OCEAN__PORT__BASE_URL: 'https://api.us.port.io/', OCEAN__BASE_URL: 'https://tide.example.com//' } });
    expect(s.port.baseUrl).toBe('https://api.us.port.io');
    expect(s.baseUrl).toBe('https://tide.example.com/');
  });

  it('accepts Kafka brokers as a comma list or a JSON array string', () => {
    expect(ok({ env: { OCEAN__EVENT_LISTENER__BROKERS: 'a:9092, b:9092' } }).eventListener.brokers).toBe('a:9092,b:9092');
    expect(ok({ env: { OCEAN__EVENT_LISTENER__BROKERS: '["a:9092","b:9092"]' } }).eventListener.brokers).toBe('a:9092,b:9092');
  });

  it('reads application settings and log levels in any case', () => {
    expect(ok({ env: { APPLICATION__LOG_LEVEL: 'debug', APPLICATION__PORT: '3000' } }).application).toEqual({ logLevel: 'DEBUG', port: 3000, host: '127.0.0.1' });
    const [e] = errors({ env: { APPLICATION__LOG_LEVEL: 'TRACE' } });
    expect(e).toMatchObject({ path: 'application.logLevel', envVar: 'APPLICATION__LOG_LEVEL' });
    expect(e.message).toBe('expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "TRACE"');
  });

  it('clamps the bulk upsert length to 20 with a warning and takes min(value, 100) for deletes', () => {
    const r = loadSettings({ integrationDefaults: jira, env: { OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH: '50', OCEAN__DELETE_ENTITIES_MAX_BATCH_SIZE: '40' } });
    expect(r.ok && r.settings.upsertEntitiesBatchMaxLength).toBe(20);
    expect(r.ok && r.settings.deleteEntitiesMaxBatchSize).toBe(40);
    expect(r.warnings).toEqual([expect.stringContaining('upsertEntitiesBatchMaxLength 50 (env OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH)')]);
    expect(ok({ env: { OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH: '5' } }).upsertEntitiesBatchMaxLength).toBe(5);
  });

  it('falls back to the deprecated integration.config.appHost for baseUrl', () => {
    const r = loadSettings({ integrationDefaults: jira, configYaml: 'integration:\n  config:\n    app_host: https://old.example.com/\n' });
    expect(r.ok && r.settings.baseUrl).toBe('https://old.example.com');
    expect(r.warnings).toEqual([expect.stringContaining('deprecated')]);
  });
});

describe('port credentials and listener rules', () => {
  it('selects remote with both credentials and embedded with neither', () => {
    expect(ok({ env: { OCEAN__PORT__CLIENT_ID: 'i', OCEAN__PORT__CLIENT_SECRET: 's' } }).port.mode).toBe('remote');
    expect(ok({ env: {} }).port).toEqual({ baseUrl: 'https://api.getport.io', mode: 'embedded' });
  });

  it('names the missing credential when only one is set', () => {
    const [a] = errors({ env: { OCEAN__PORT__CLIENT_ID: 'only-id' } });
    expect(a).toMatchObject({ path: 'port.clientSecret', envVar: 'OCEAN__PORT__CLIENT_SECRET', source: 'missing' });
    expect(a.message).toContain('port.clientId is set (env OCEAN__PORT__CLIENT_ID)');
    const [b] = errors({ configYaml: 'port:\n  clientSecret: only-secret\n' });
    expect(b).toMatchObject({ path: 'port.clientId', envVar: 'OCEAN__PORT__CLIENT_ID', source: 'missing' });
    expect(b.message).toContain('(config.yaml: port.clientSecret)');
    expect(JSON.stringify([a, b])).not.toMatch(/only-id|only-secret/);
  });

  it('rejects an unknown listener type and requires appHost for WEBHOOK', () => {
    const [bad] = errors({ env: { OCEAN__EVENT_LISTENER__TYPE: 'SOMETIMES' } });
    expect(formatSettingsErrors([bad])).toBe(
      'eventListener.type (OCEAN__EVENT_LISTENER__TYPE) [env OCEAN__EVENT_LISTENER__TYPE]: expected one of POLLING, WEBHOOK, KAFKA, ONCE, WEBHOOKS_ONLY, ACTIONS_ONLY, got "SOMETIMES"',
    );
    const [hook] = errors({ overrides: { eventListener: { type: 'WEBHOOK' } } });
    expect(hook).toMatchObject({ path: 'eventListener.appHost', envVar: 'OCEAN__EVENT_LISTENER__APP_HOST', source: 'missing' });
    expect(hook.message).toContain('required when eventListener.type is WEBHOOK (override: eventListener.type)');
    expect(ok({ env: { OCEAN__EVENT_LISTENER__TYPE: 'webhook', OCEAN__EVENT_LISTENER__APP_HOST: 'https://h/' } }).eventListener).toMatchObject({
      type: 'WEBHOOK',
      appHost: 'https://h',
    });
  });

  it('reports a bad listener type that --once outranks, naming the variable that holds it', () => {
    const [bad, ...rest] = errors({ env: { OCEAN__EVENT_LISTENER__TYPE: 'BOGUS' }, overrides: { eventListener: { type: 'ONCE' } } });
    expect(rest).toEqual([]);
    expect(bad).toMatchObject({ path: 'eventListener.type', envVar: 'OCEAN__EVENT_LISTENER__TYPE', origin: 'env OCEAN__EVENT_LISTENER__TYPE' });
    expect(bad.message).toContain('expected one of POLLING, WEBHOOK, KAFKA, ONCE, WEBHOOKS_ONLY, ACTIONS_ONLY, got "BOGUS"');
    expect(ok({ env: { OCEAN__EVENT_LISTENER__TYPE: 'kafka' }, overrides: { eventListener: { type: 'ONCE' } } }).eventListener.type).toBe('ONCE');
  });

  it('warns, without the value, when the client id looks like an e-mail', () => {
    const r = loadSettings({ integrationDefaults: jira, env: { OCEAN__PORT__CLIENT_ID: 'me@corp.example', OCEAN__PORT__CLIENT_SECRET: 's' } });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([expect.stringContaining('e-mail')]);
    expect(r.warnings.join('\n')).not.toContain('me@corp.example');
  });
});

describe('error reporting', () => {
  it('reports all problems together, each naming key, env var, source and expectation', () => {
    const r = loadSettings({
      spec,
      integrationDefaults: jira,
      env: { OCEAN__PORT__CLIENT_ID: 'id', OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: 'lots' },
      configYaml: 'eventListener:\n  interval: "-3"\n',
      overrides: { clientTimeout: 'soon' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.path, e.source])).toEqual([
      ['integration.config.jiraHost', 'missing'],
      ['integration.config.pageSize', 'env'],
      ['eventListener.interval', 'config.yaml'],
      ['clientTimeout', 'override'],
      ['port.clientSecret', 'missing'],
    ]);
    const lines = formatSettingsErrors(r.errors).split('\n');
    expect(lines).toEqual([
      'integration.config.jiraHost (OCEAN__INTEGRATION__CONFIG__JIRA_HOST) [not set]: required but not set; expected an absolute URL such as https://example.com',
      'integration.config.pageSize (OCEAN__INTEGRATION__CONFIG__PAGE_SIZE) [env OCEAN__INTEGRATION__CONFIG__PAGE_SIZE]: expected an integer, got "lots"',
      'eventListener.interval (OCEAN__EVENT_LISTENER__INTERVAL) [config.yaml: eventListener.interval]: expected a positive number, got "-3"',
      'clientTimeout (OCEAN__CLIENT_TIMEOUT) [override: clientTimeout]: expected a positive number, got "soon"',
      expect.stringMatching(/^port\.clientSecret \(OCEAN__PORT__CLIENT_SECRET\) \[not set\]: required because port\.clientId is set/),
    ]);
  });

  it('includes config.yaml and env JSON problems in the same report', () => {
    const found = errors({ env: { OCEAN__EVENT_LISTENER: '{oops', OCEAN__CLIENT_TIMEOUT: 'x' }, configYaml: 'a: [\n' });
    expect(found.map((e) => e.origin)).toEqual(['env OCEAN__EVENT_LISTENER', 'config.yaml', 'env OCEAN__CLIENT_TIMEOUT']);
    expect(formatSettingsErrors(found).split('\n')[1]).toMatch(/^\[config\.yaml\] could not parse/);
  });

  it('reports a non-object group from config.yaml', () => {
    const [e] = errors({ configYaml: 'port: abc\n' });
    expect(formatSettingsErrors([e])).toBe('port (OCEAN__PORT) [config.yaml: port]: expected an object of options, got a string');
  });

  it('throws a SettingsError listing the problems from loadSettingsOrThrow', () => {
    expect(() => loadSettingsOrThrow({ integrationDefaults: jira, env: { OCEAN__CLIENT_TIMEOUT: '0', OCEAN__EVENT_LISTENER__INTERVAL: 'x' } })).toThrow(
      SettingsError,
    );
    try {
      loadSettingsOrThrow({ integrationDefaults: jira, env: { OCEAN__CLIENT_TIMEOUT: '0', OCEAN__EVENT_LISTENER__INTERVAL: 'x' } });
    } catch (error) {
      const e = error as SettingsError;
      expect(e.errors).toHaveLength(2);
      expect(e.message.split('\n')).toHaveLength(3);
      expect(e.message).toContain('Invalid Tide settings (2 problems)');
    }
    expect(loadSettingsOrThrow({ integrationDefaults: jira }).settings.integration.type).toBe('jira');
  });
});

describe('settings users get wrong without noticing', () => {
  it('reports an invalid OCEAN__EVENT_LISTENER__TYPE even when --once overrides it for this run', () => {
    const found = errors({ env: { OCEAN__EVENT_LISTENER__TYPE: 'BOGUS' }, overrides: { eventListener: { type: 'ONCE' } } });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'eventListener.type', envVar: 'OCEAN__EVENT_LISTENER__TYPE', origin: 'env OCEAN__EVENT_LISTENER__TYPE' });
    expect(found[0].message).toMatch(/expected one of POLLING, WEBHOOK, KAFKA, ONCE, WEBHOOKS_ONLY.*"BOGUS"/);
    // A valid shadowed value is no problem.
    expect(ok({ env: { OCEAN__EVENT_LISTENER__TYPE: 'POLLING' }, overrides: { eventListener: { type: 'ONCE' } } }).eventListener.type).toBe('ONCE');
  });

  it('says where the log level is set when OCEAN__LOG_LEVEL is given (Ocean ignores it too)', () => {
    const r = loadSettings({ integrationDefaults: jira, env: { OCEAN__LOG_LEVEL: 'DEBUG', OCEAN__HOST: '0.0.0.0' } });
    expect(r.warnings).toContain("OCEAN__LOG_LEVEL is not a Tide option; it is ignored; the server's logLevel is set with APPLICATION__LOG_LEVEL");
    expect(r.warnings).toContain("OCEAN__HOST is not a Tide option; it is ignored; the server's host is set with APPLICATION__HOST");
    expect(r.ok && r.settings.application.logLevel).toBe('INFO');
    expect(ok({ env: { APPLICATION__LOG_LEVEL: 'debug' } }).application.logLevel).toBe('DEBUG');
  });

  it('binds 127.0.0.1 unless APPLICATION__HOST says otherwise', () => {
    expect(ok({}).application.host).toBe('127.0.0.1');
    expect(ok({ env: { APPLICATION__HOST: '0.0.0.0' } }).application.host).toBe('0.0.0.0');
    expect(ok({ env: { OCEAN__MAPPING_FILE: './mapping.yml' } }).mappingFile).toBe('./mapping.yml');
  });
});
