/**
 * Worker log lines inside workerd: the resync Durable Object of an integration whose vendor echoes its
 * token back (in a warning and in the error that fails the kind) logs through the core's line logger,
 * so the token never reaches the console, and `APPLICATION__LOG_LEVEL` decides which lines are written.
 */
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { defineIntegration } from 'port-tide';
import type { LiveEventMessage, TideEnv } from '../types.ts';
import { createWorker } from '../worker.ts';
import { CLIENT_ID, CLIENT_SECRET } from './constants.ts';
import { objectDriver } from './do-instance.ts';

const TOKEN = 'vendor-token-5ee1d0c4b7';

const leaky = defineIntegration<{ apiToken: string }>({
  type: 'leaky',
  version: '0.0.1',
  kinds: {
    thing: {
      async *resync(ctx) {
        ctx.logger.debug(`debug detail for ${ctx.config.apiToken}`);
        ctx.logger.info(`calling the vendor with ${ctx.config.apiToken}`);
        ctx.logger.warn(`the vendor says token ${ctx.config.apiToken} expires soon`);
        throw new Error(`401 from the vendor: token ${ctx.config.apiToken} was revoked`);
      },
    },
  },
});

const { ResyncObject } = createWorker(leaky, {
  portFiles: {
    spec: 'type: leaky\nconfigurations:\n  - name: apiToken\n    type: string\n    required: true\n    sensitive: true\n',
    resources: [
      { name: 'blueprints.json', text: JSON.stringify([{ identifier: 'leaky-thing', title: 'Leaky thing', schema: { properties: {} } }]) },
      { name: 'port-app-config.yml', text: "resources:\n  - kind: thing\n    selector:\n      query: 'true'\n    port:\n      entity:\n        mappings:\n          identifier: .id\n          blueprint: '\"leaky-thing\"'\n" },
    ],
  },
});

/** Every console line written while `run` runs, whatever the console method. */
async function consoleLines(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
  await run();
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** One resync in the object of `identifier`, its alarms run in turn, at the given log level. */
function resyncAt(identifier: string, logLevel: string): Promise<string[]> {
  const env: TideEnv = {
    OCEAN__PORT__BASE_URL: inject('emulatorUrl'),
    OCEAN__PORT__CLIENT_ID: CLIENT_ID,
    OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
    OCEAN__INTEGRATION__IDENTIFIER: identifier,
    OCEAN__INTEGRATION__CONFIG__API_TOKEN: TOKEN,
    OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY',
    APPLICATION__LOG_LEVEL: logLevel,
    TIDE_RESYNC: { idFromName: (name: string) => name, get: () => undefined },
    TIDE_LIVE_EVENTS: { send: async (_message: LiveEventMessage) => {} },
  };
  const object = objectDriver(`logging/${identifier}`, () => env, ResyncObject);
  return consoleLines(async () => {
    await object.run((o) => o.startResync('logging test'));
    for (let steps = 0; object.alarmPending() && steps < 20; steps += 1) {
      object.clearAlarm();
      await object.run((o) => o.alarm());
    }
    const status = await object.run((o) => o.status());
    expect((status.lastReport as { status?: string } | undefined)?.status).toBe('failed');
  });
}

describe('Worker logs (resync Durable Object in workerd)', () => {
  it('at WARNING: no info or debug line, and the echoed token is masked in the warning and the kind error', async () => {
    const lines = await resyncAt('leaky-warning', 'WARNING');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(TOKEN);
    const levels = lines.map((line) => (JSON.parse(line) as { level: string }).level);
    expect(levels.every((level) => level === 'warn' || level === 'error'), levels.join(',')).toBe(true);
    expect(lines.some((l) => l.includes('the vendor says token [REDACTED] expires soon'))).toBe(true);
    expect(lines.some((l) => l.includes('token [REDACTED] was revoked'))).toBe(true);
  });

  it('at DEBUG: the info and debug lines appear too, masked alike', async () => {
    const lines = await resyncAt('leaky-debug', 'DEBUG');
    for (const line of lines) expect(line).not.toContain(TOKEN);
    expect(lines.some((l) => l.includes('debug detail for [REDACTED]'))).toBe(true);
    expect(lines.some((l) => l.includes('calling the vendor with [REDACTED]'))).toBe(true);
  });
});
