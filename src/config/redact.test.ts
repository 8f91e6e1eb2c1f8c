import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor, redactSettings, sensitiveValues } from './redact.ts';
import { SettingsError, formatSettingsErrors, loadSettings, loadSettingsOrThrow } from './settings.ts';
import { parseSpec } from './spec.ts';

const spec = parseSpec({
  type: 'jira',
  configurations: [
    { name: 'jiraHost', type: 'url', required: true },
    { name: 'apiToken', type: 'string', required: true, sensitive: true },
    { name: 'pin', type: 'integer', sensitive: true },
    { name: 'extraHeaders', type: 'object', sensitive: true },
  ],
});

const env = {
  OCEAN__PORT__CLIENT_ID: 'client-id-7f3a',
  OCEAN__PORT__CLIENT_SECRET: 'client-secret-91bc',
  OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK',
  OCEAN__EVENT_LISTENER__APP_HOST: 'https://hidden-host.example.com',
  OCEAN__INTEGRATION__CONFIG__JIRA_HOST: 'https://jira.example.com',
  OCEAN__INTEGRATION__CONFIG__API_TOKEN: 'tok-55aa',
  OCEAN__INTEGRATION__CONFIG__EXTRA_HEADERS: '{"X-Key":"header-key-0d0d"}',
};
const secrets = ['client-id-7f3a', 'client-secret-91bc', 'hidden-host', 'tok-55aa', 'header-key-0d0d'];

function expectNoSecret(text: string): void {
  for (const s of secrets) expect(text).not.toContain(s);
}

describe('redactSettings (the --print-config view)', () => {
  const r = loadSettings({ spec, env });
  if (!r.ok) throw new Error(formatSettingsErrors(r.errors));
  const settings = r.settings;

  it('masks credentials, appHost and sensitive spec values in a deep copy', () => {
    const view = redactSettings(settings, spec);
    expect(view.port).toMatchObject({ clientId: REDACTED, clientSecret: REDACTED, mode: 'remote' });
    expect(view.eventListener.appHost).toBe(REDACTED);
    expect(view.integration.config).toEqual({ jiraHost: 'https://jira.example.com', apiToken: REDACTED, extraHeaders: REDACTED });
    expectNoSecret(JSON.stringify(view));
    expect(settings.port.clientSecret).toBe('client-secret-91bc');
    expect(settings.integration.config.extraHeaders).toEqual({ 'X-Key': 'header-key-0d0d' });
  });

  it('masks a secret that also appears inside another value', () => {
    const r2 = loadSettings({ spec, env: { ...env, OCEAN__BASE_URL: 'https://tide.example.com/hook/tok-55aa' } });
    expect(r2.ok).toBe(true);
    if (r2.ok) expect(redactSettings(r2.settings, spec).baseUrl).toBe(`https://tide.example.com/hook/${REDACTED}`);
  });

  it('lists the sensitive values for a log redactor', () => {
    expect(sensitiveValues(settings, spec)).toEqual(
      expect.arrayContaining(['client-id-7f3a', 'client-secret-91bc', 'https://hidden-host.example.com', 'tok-55aa', 'header-key-0d0d']),
    );
    expect(sensitiveValues(settings, spec)).not.toContain('https://jira.example.com');
  });
});

describe('createRedactor', () => {
  it('replaces every occurrence, longest value first, and ignores empty values', () => {
    const redact = createRedactor(['abc', 'abcdef', '']);
    expect(redact('x abcdef y abc z abcdef')).toBe(`x ${REDACTED} y ${REDACTED} z ${REDACTED}`);
    expect(createRedactor([''])('unchanged')).toBe('unchanged');
  });
});

describe('errors never contain a sensitive value', () => {
  it('prints [REDACTED] for a bad value of a sensitive setting', () => {
    const { OCEAN__PORT__CLIENT_SECRET: _unused, ...envWithoutSecret } = env;
    const r = loadSettings({
      spec,
      env: {
        ...envWithoutSecret,
        OCEAN__INTEGRATION__CONFIG__PIN: '12x-pin-secret',
        OCEAN__EVENT_LISTENER__APP_HOST: 'not-a-url-hidden-host',
        OCEAN__INTEGRATION__CONFIG__EXTRA_HEADERS: '[header-key-0d0d',
      },
      configYaml: { port: { clientSecret: { nested: 'client-secret-91bc' } } },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = formatSettingsErrors(r.errors);
    expect(r.errors.map((e) => e.path)).toEqual([
      'port.clientSecret',
      'integration.config.pin',
      'integration.config.extraHeaders',
      'eventListener.appHost',
    ]);
    expect(text).toContain('port.clientSecret (OCEAN__PORT__CLIENT_SECRET) [config.yaml: port.clientSecret]: expected a string, got "[REDACTED]"');
    expect(text).toContain('integration.config.pin (OCEAN__INTEGRATION__CONFIG__PIN) [env OCEAN__INTEGRATION__CONFIG__PIN]: expected an integer, got "[REDACTED]"');
    expect(text).toContain('eventListener.appHost (OCEAN__EVENT_LISTENER__APP_HOST) [env OCEAN__EVENT_LISTENER__APP_HOST]: expected an absolute URL');
    expectNoSecret(text);
    expect(text).not.toContain('12x-pin-secret');
  });

  it('scrubs a secret quoted by a non-sensitive setting', () => {
    const r = loadSettings({ spec, env: { ...env, OCEAN__BASE_URL: 'tok-55aa' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatSettingsErrors(r.errors)).toBe(
      `baseUrl (OCEAN__BASE_URL) [env OCEAN__BASE_URL]: expected an absolute URL such as https://example.com, got "${REDACTED}"`,
    );
  });

  it('keeps secrets out of a thrown SettingsError and out of warnings', () => {
    let message = '';
    try {
      loadSettingsOrThrow({ spec, env: { ...env, OCEAN__PORT__CLIENT_SECRET: '', OCEAN__INTEGRATION__CONFIG__API_TOKEN: '' } });
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      message = (error as Error).message;
    }
    expect(message).toContain('port.clientSecret (OCEAN__PORT__CLIENT_SECRET) [not set]');
    expect(message).toContain('integration.config.apiToken (OCEAN__INTEGRATION__CONFIG__API_TOKEN) [not set]: required but not set');
    expectNoSecret(message);

    const r = loadSettings({ spec, env: { ...env, OCEAN__PORT__CLIENT_ID: 'client-id-7f3a@corp.example', OCEAN__SOMETHING: 'tok-55aa' } });
    expect(r.warnings.length).toBeGreaterThan(0);
    expectNoSecret(r.warnings.join('\n'));
  });
});
