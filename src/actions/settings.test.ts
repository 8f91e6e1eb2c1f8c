/** The action agent's settings (docs/behaviour.md §11.1, §11.5): names, defaults, bounds and the clear errors. */
import { describe, expect, it } from 'vitest';
import { formatSettingsErrors, loadSettings, parseSpec, type LoadSettingsOptions } from '../config/index.ts';

const spec = parseSpec({ type: 'acme', actionsProcessingEnabled: true, configurations: [] });
const base: LoadSettingsOptions = { integrationDefaults: { type: 'acme', version: '1.0.0' }, spec, actionTypes: ['deploy'] };

const load = (o: LoadSettingsOptions) => loadSettings({ ...base, ...o });
const errorLines = (o: LoadSettingsOptions): string[] => {
  const r = load(o);
  if (r.ok) throw new Error('expected settings errors');
  return formatSettingsErrors(r.errors).split('\n');
};

describe('actionsProcessor settings', () => {
  it('reads every OCEAN__ACTIONS_PROCESSOR__* variable', () => {
    const r = load({
      env: {
        OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true',
        OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS: '2',
        OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT: '16',
        OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK: '1000',
        OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION: 'null',
        OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS: '1000',
      },
    });
    if (!r.ok) throw new Error(formatSettingsErrors(r.errors));
    expect(r.settings.actionsProcessor).toEqual({
      enabled: true,
      pollCheckIntervalSeconds: 2,
      workersCount: 16,
      runsBufferHighWatermark: 1000,
      maxRunsBufferUtilPctPerAction: null,
      visibilityTimeoutMs: 1000,
    });
  });

  it('reads config.yaml too, with env winning', () => {
    const r = load({ configYaml: 'actions_processor:\n  enabled: true\n  workers_count: 4\n', env: { OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT: '8' } });
    if (!r.ok) throw new Error(formatSettingsErrors(r.errors));
    expect([r.settings.actionsProcessor.enabled, r.settings.actionsProcessor.workersCount]).toEqual([true, 8]);
  });

  it('rejects values out of bounds, naming the setting, its variable and the expectation', () => {
    expect(
      errorLines({
        env: {
          OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT: '0',
          OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK: '1001',
          OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION: '0',
          OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS: '999',
        },
      }),
    ).toEqual([
      'actionsProcessor.workersCount (OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT) [env OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT]: expected a positive integer, got "0"',
      'actionsProcessor.runsBufferHighWatermark (OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK) [env OCEAN__ACTIONS_PROCESSOR__RUNS_BUFFER_HIGH_WATERMARK]: expected an integer from 1 to 1000, got "1001"',
      'actionsProcessor.maxRunsBufferUtilPctPerAction (OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION) [env OCEAN__ACTIONS_PROCESSOR__MAX_RUNS_BUFFER_UTIL_PCT_PER_ACTION]: expected an integer from 1 to 100, or null for none, got "0"',
      'actionsProcessor.visibilityTimeoutMs (OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS) [env OCEAN__ACTIONS_PROCESSOR__VISIBILITY_TIMEOUT_MS]: expected an integer from 1000 to 600000, got "999"',
    ]);
  });

  it('refuses the agent when the spec does not declare actionsProcessingEnabled, or no action is declared', () => {
    const env = { OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true' };
    expect(errorLines({ env, spec: parseSpec({ type: 'acme', configurations: [] }) })).toEqual([
      'actionsProcessor.enabled (OCEAN__ACTIONS_PROCESSOR__ENABLED) [env OCEAN__ACTIONS_PROCESSOR__ENABLED]: is true, but .port/spec.yaml does not declare `actionsProcessingEnabled: true` at its top level; declare it there, or leave the action agent off',
    ]);
    expect(errorLines({ env, actionTypes: [] })).toEqual([
      'actionsProcessor.enabled (OCEAN__ACTIONS_PROCESSOR__ENABLED) [env OCEAN__ACTIONS_PROCESSOR__ENABLED]: is true, but the integration declares no action (defineIntegration({ actions: { <type>: { run } } }))',
    ]);
    // Off, neither matters.
    expect(load({ spec: parseSpec({ configurations: [] }), actionTypes: [] }).ok).toBe(true);
  });

  it('accepts ACTIONS_ONLY as a listener', () => {
    const r = load({ env: { OCEAN__EVENT_LISTENER__TYPE: 'actions_only', OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true' } });
    expect(r.ok && r.settings.eventListener.type).toBe('ACTIONS_ONLY');
  });

  it('the spec flag must be a boolean', () => {
    expect(() => parseSpec({ actionsProcessingEnabled: 'yes', configurations: [] })).toThrow('.port/spec.yaml: actionsProcessingEnabled: expected true or false');
  });
});
