import { describe, expect, it } from 'vitest';
import { loadSettings } from './settings.ts';

const base = { integrationDefaults: { type: 'jira', version: '1.0.0' } };
const integration = (env: Record<string, string>) => {
  const r = loadSettings({ ...base, env });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.settings.integration;
};
const errors = (env: Record<string, string>) => {
  const r = loadSettings({ ...base, env });
  return r.ok ? [] : r.errors;
};

// docs/behaviour.md §4.12 and conformance point 41.
describe('incremental-sync settings', () => {
  it('default to off, every 15 minutes, cursors in the StateStore', () => {
    expect(integration({})).toMatchObject({ incrementalSyncEnabled: false, incrementalSyncInterval: 15, incrementalSyncCursorStore: 'state' });
  });

  it.each([
    ['15', 15],
    ['30m', 30],
    ['1h', 60],
    ['900s', 15],
    [' 60 ', 60],
  ])('OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL=%j is %d minutes', (value, minutes) => {
    expect(integration({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL: value }).incrementalSyncInterval).toBe(minutes);
  });

  it.each(['10', '45m', '2h', '1d', '0', '-15', '15.0', 'fifteen', '90s', '1w'])('rejects %j, naming the variable and the allowed values', (value) => {
    const [e, ...rest] = errors({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL: value });
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ path: 'integration.incrementalSyncInterval', envVar: 'OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL', source: 'env' });
    expect(e.message).toContain('15, 30, 60 minutes');
    expect(e.message).toContain(JSON.stringify(value));
  });

  it('reads the switch and the cursor store from env and config.yaml, and rejects an unknown store', () => {
    const r = loadSettings({
      ...base,
      env: { OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true' },
      configYaml: 'integration:\n  incremental_sync_cursor_store: PORT\n  incrementalSyncInterval: 30\n',
    });
    expect(r.ok && r.settings.integration).toMatchObject({ incrementalSyncEnabled: true, incrementalSyncCursorStore: 'port', incrementalSyncInterval: 30 });
    const [e] = errors({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_CURSOR_STORE: 'redis' });
    expect(e).toMatchObject({ path: 'integration.incrementalSyncCursorStore', envVar: 'OCEAN__INTEGRATION__INCREMENTAL_SYNC_CURSOR_STORE' });
    expect(e.message).toContain('one of state, port');
  });
});
