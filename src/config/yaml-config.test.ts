import { describe, expect, it } from 'vitest';
import { pathKey } from './catalogue.ts';
import { parseSpec } from './spec.ts';
import { parseConfigYaml } from './yaml-config.ts';

const spec = parseSpec({ configurations: [{ name: 'jiraHost', type: 'url' }, { name: 'api_token', type: 'string' }] });

describe('parseConfigYaml', () => {
  it('reads camelCase keys and records where each value came from', () => {
    const layer = parseConfigYaml('port:\n  clientId: abc\neventListener: { type: POLLING, interval: 60 }\n');
    expect(layer.values).toEqual({ port: { clientId: 'abc' }, eventListener: { type: 'POLLING', interval: 60 } });
    expect(layer.origins.get(pathKey(['eventListener', 'interval']))).toEqual({
      source: 'config.yaml',
      label: 'config.yaml: eventListener.interval',
    });
  });

  it('accepts snake_case keys, including inside integration.config, and labels them as written', () => {
    const layer = parseConfigYaml(
      'event_listener:\n  type: ONCE\n  resync_on_start: false\nintegration:\n  config:\n    jira_host: https://x\n    apiToken: t\nupsert_entities_batch_max_length: 5\n',
      {},
      { spec },
    );
    expect(layer.values).toEqual({
      eventListener: { type: 'ONCE', resyncOnStart: false },
      integration: { config: { jiraHost: 'https://x', api_token: 't' } },
      upsertEntitiesBatchMaxLength: 5,
    });
    expect(layer.origins.get(pathKey(['integration', 'config', 'jiraHost']))?.label).toBe('config.yaml: integration.config.jira_host');
  });

  it('replaces exact {{ from env NAME }} references', () => {
    const layer = parseConfigYaml(
      'port:\n  clientId: "{{ from env PORT_CLIENT_ID }}"\n  clientSecret: "{{from env PORT_CLIENT_SECRET}}"\n',
      { PORT_CLIENT_ID: 'id', PORT_CLIENT_SECRET: 'secret' },
    );
    expect(layer.values).toEqual({ port: { clientId: 'id', clientSecret: 'secret' } });
  });

  it('silently drops keys whose reference is unset, empty or uses an unknown provider', () => {
    const layer = parseConfigYaml(
      'port:\n  clientId: "{{ from env UNSET }}"\n  clientSecret: "{{ from env EMPTY }}"\n  baseUrl: "{{ from vault X }}"\nintegration:\n  identifier: keep\n',
      { EMPTY: '', X: 'https://x' },
    );
    expect(layer.values).toEqual({ port: {}, integration: { identifier: 'keep' } });
    expect(layer.warnings).toEqual([]);
    expect(layer.issues).toEqual([]);
  });

  it('does not interpolate inside longer strings', () => {
    const layer = parseConfigYaml('baseUrl: "https://{{ from env HOST }}"\n', { HOST: 'x' });
    expect(layer.values).toEqual({ baseUrl: 'https://{{ from env HOST }}' });
  });

  it('keeps the body of an object value untouched', () => {
    const layer = parseConfigYaml('integration:\n  config:\n    labels: { some_key: 1 }\n');
    expect(layer.values).toEqual({ integration: { config: { labels: { some_key: 1 } } } });
  });

  it('accepts an already parsed document and an empty one', () => {
    expect(parseConfigYaml({ port: { client_id: 'a' } }).values).toEqual({ port: { clientId: 'a' } });
    expect(parseConfigYaml('').values).toEqual({});
    expect(parseConfigYaml('# only a comment\n').issues).toEqual([]);
  });

  it('warns about keys Tide does not know', () => {
    const layer = parseConfigYaml('runtime: OnPrem\nport:\n  clientId: a\n  extra: 1\n');
    expect(layer.values).toEqual({ port: { clientId: 'a' } });
    expect(layer.warnings).toEqual([
      'config.yaml: runtime is not a Tide option; it is ignored',
      'config.yaml: port.extra is not a Tide option; it is ignored',
    ]);
  });

  it('reports a syntax error by position without echoing the file', () => {
    const layer = parseConfigYaml('port:\n  clientSecret: "hunter2\n');
    expect(layer.issues).toHaveLength(1);
    expect(layer.issues[0]).toMatchObject({ source: 'config.yaml', origin: 'config.yaml' });
    expect(layer.issues[0].message).toMatch(/could not parse \(line \d+, column \d+: [A-Z_]+\); expected valid YAML/);
    expect(layer.issues[0].message).not.toContain('hunter2');
  });

  it('reports a document that is not a mapping', () => {
    expect(parseConfigYaml('- a\n- b\n').issues[0].message).toBe('expected a mapping of options at the top level, got an array');
  });
});
