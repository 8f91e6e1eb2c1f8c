import { describe, expect, it } from 'vitest';
import { envVarFor, pathKey } from './catalogue.ts';
import { envToOptions } from './env.ts';
import { parseSpec } from './spec.ts';

const spec = parseSpec({
  configurations: [
    { name: 'jiraHost', type: 'url' },
    { name: 'app_token', type: 'string' },
    { name: 'labels', type: 'object' },
  ],
});

describe('envToOptions', () => {
  it('maps OCEAN__ names to camelCase option paths', () => {
    const layer = envToOptions({
      OCEAN__PORT__CLIENT_ID: 'id',
      OCEAN__PORT__BASE_URL: 'https://api.us.port.io',
      OCEAN__EVENT_LISTENER__TYPE: 'KAFKA',
      OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH: '10',
      OCEAN__INITIALIZE_PORT_RESOURCES: 'false',
      APPLICATION__LOG_LEVEL: 'DEBUG',
      APPLICATION__PORT: '9000',
      HOME: '/root',
    });
    expect(layer.values).toEqual({
      port: { clientId: 'id', baseUrl: 'https://api.us.port.io' },
      eventListener: { type: 'KAFKA' },
      upsertEntitiesBatchMaxLength: '10',
      initializePortResources: 'false',
      application: { logLevel: 'DEBUG', port: '9000' },
    });
    expect(layer.warnings).toEqual([]);
    expect(layer.origins.get(pathKey(['port', 'clientId']))).toEqual({ source: 'env', label: 'env OCEAN__PORT__CLIENT_ID' });
  });

  it('matches names case-insensitively', () => {
    const layer = envToOptions({ ocean__Port__client_ID: 'id', Ocean__Event_Listener__Interval: '5' });
    expect(layer.values).toEqual({ port: { clientId: 'id' }, eventListener: { interval: '5' } });
  });

  it('lets the canonical upper-case spelling win when two spellings collide', () => {
    const a = envToOptions({ ocean__port__client_id: 'lower', OCEAN__PORT__CLIENT_ID: 'upper' });
    const b = envToOptions({ OCEAN__PORT__CLIENT_ID: 'upper', ocean__port__client_id: 'lower' });
    expect(valueOf(a.values)).toBe('upper');
    expect(valueOf(b.values)).toBe('upper');
    expect(a.warnings[0]).toContain('port.clientId');
  });

  it('treats an empty string as unset', () => {
    expect(envToOptions({ OCEAN__PORT__CLIENT_ID: '', OCEAN__EVENT_LISTENER__TYPE: undefined }).values).toEqual({});
  });

  it('accepts an object option as JSON and merges nested vars over it', () => {
    const layer = envToOptions({
      OCEAN__EVENT_LISTENER: '{"type":"KAFKA","interval":5,"resync_on_start":false}',
      OCEAN__EVENT_LISTENER__INTERVAL: '30',
    });
    expect(layer.values).toEqual({ eventListener: { type: 'KAFKA', interval: '30', resyncOnStart: false } });
    expect(layer.origins.get(pathKey(['eventListener', 'interval']))?.label).toBe('env OCEAN__EVENT_LISTENER__INTERVAL');
  });

  it('merges JSON objects at several depths, deeper ones winning', () => {
    const layer = envToOptions(
      {
        OCEAN__INTEGRATION: '{"identifier":"a","config":{"jiraHost":"https://one","app_token":"t"}}',
        OCEAN__INTEGRATION__CONFIG: '{"jiraHost":"https://two"}',
      },
      { spec },
    );
    expect(layer.values).toEqual({ integration: { identifier: 'a', config: { jiraHost: 'https://two', app_token: 't' } } });
  });

  it('reports invalid JSON for an object option without echoing it', () => {
    const layer = envToOptions({ OCEAN__PORT: '{"clientSecret": "hunter2"' });
    expect(layer.values).toEqual({});
    expect(layer.issues).toHaveLength(1);
    expect(layer.issues[0]).toMatchObject({ path: 'port', envVar: 'OCEAN__PORT', source: 'env', origin: 'env OCEAN__PORT' });
    expect(layer.issues[0].message).toContain('expected a JSON object');
    expect(JSON.stringify(layer.issues)).not.toContain('hunter2');
  });

  it('stores integration settings under the spec name as written', () => {
    const layer = envToOptions(
      {
        OCEAN__INTEGRATION__CONFIG__JIRA_HOST: 'https://x',
        OCEAN__INTEGRATION__CONFIG__APP_TOKEN: 't',
        ocean__integration__config__labels: '{"a":1}',
      },
      { spec },
    );
    expect(layer.values).toEqual({ integration: { config: { jiraHost: 'https://x', app_token: 't', labels: '{"a":1}' } } });
    expect(layer.warnings).toEqual([]);
  });

  it('merges nested vars into an object setting given as JSON', () => {
    const layer = envToOptions({ OCEAN__INTEGRATION__CONFIG__LABELS: '{"a":1}', OCEAN__INTEGRATION__CONFIG__LABELS__B: '2' }, { spec });
    expect(layer.values).toEqual({ integration: { config: { labels: { a: 1, b: '2' } } } });
  });

  it('camelCases integration settings when there is no spec, and warns about undeclared ones when there is', () => {
    expect(envToOptions({ OCEAN__INTEGRATION__CONFIG__MY_SETTING: 'v' }).values).toEqual({ integration: { config: { mySetting: 'v' } } });
    const layer = envToOptions({ OCEAN__INTEGRATION__CONFIG__JIRA_HOTS: 'v' }, { spec });
    expect(layer.warnings).toEqual([expect.stringContaining('OCEAN__INTEGRATION__CONFIG__JIRA_HOTS')]);
  });

  it('warns about unknown Ocean options by name instead of failing', () => {
    const layer = envToOptions({
      OCEAN__RUNTIME: 'OnPrem',
      OCEAN__PORT__PORT_APP_CONFIG_CACHE_TTL: '60',
      OCEAN__PORT__CLIENT_ID__EXTRA: 'x',
      OCEAN__APPLICATION__LOG_LEVEL: 'DEBUG',
      OCEAN__EVENT_LISTENER__TYPE: 'ONCE',
    });
    expect(layer.issues).toEqual([]);
    expect(layer.values).toEqual({ eventListener: { type: 'ONCE' } });
    expect(layer.warnings).toHaveLength(4);
    for (const name of ['OCEAN__RUNTIME', 'OCEAN__PORT__PORT_APP_CONFIG_CACHE_TTL', 'OCEAN__PORT__CLIENT_ID__EXTRA', 'OCEAN__APPLICATION__LOG_LEVEL']) {
      expect(layer.warnings.some((w) => w.includes(name))).toBe(true);
    }
  });
});

describe('envVarFor', () => {
  it('spells the env var of an option path', () => {
    expect(envVarFor(['port', 'clientSecret'])).toBe('OCEAN__PORT__CLIENT_SECRET');
    expect(envVarFor(['upsertEntitiesBatchMaxSizeInBytes'])).toBe('OCEAN__UPSERT_ENTITIES_BATCH_MAX_SIZE_IN_BYTES');
    expect(envVarFor(['integration', 'config', 'jiraHost'])).toBe('OCEAN__INTEGRATION__CONFIG__JIRA_HOST');
    expect(envVarFor(['application', 'logLevel'])).toBe('APPLICATION__LOG_LEVEL');
  });
});

function valueOf(values: Record<string, unknown>): unknown {
  return (values.port as Record<string, unknown>).clientId;
}
