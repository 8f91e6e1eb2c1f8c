/**
 * A Worker deployed before its secrets are set (or run with `wrangler dev` and no .dev.vars): inside
 * workerd, the real main module answers health checks and says which settings are missing, as JSON and
 * without a stack trace, instead of failing every request.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../fake-worker.ts';
import type { TideEnv } from '../types.ts';
import { CLIENT_ID } from './constants.ts';

const base = env as TideEnv;
const { OCEAN__PORT__CLIENT_ID: _id, OCEAN__PORT__CLIENT_SECRET: _secret, ...withoutCredentials } = base;
const noCredentials = withoutCredentials as TideEnv;

async function call(path: string, bindings: TideEnv, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://tide.test${path}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

describe('a Worker without Port credentials', () => {
  it('is live, not ready, and names the missing secrets on every other route, without a stack trace', async () => {
    const live = await call('/health/live', noCredentials);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'healthy', check: 'live' });

    const ready = await call('/health/ready', noCredentials);
    expect(ready.status).toBe(503);
    expect(ready.body.message).toMatch(/OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET.*\.dev\.vars/);

    for (const [path, init] of [
      ['/metrics', undefined],
      ['/integration/webhook', { method: 'POST', body: '{}' }],
      ['/resync', { method: 'POST' }],
    ] as const) {
      const r = await call(path, noCredentials, init);
      expect(r.status, path).toBe(503);
      expect(r.body).toMatchObject({ status: 'error' });
      expect(r.body.message, path).toContain('OCEAN__PORT__CLIENT_SECRET');
      expect(r.text, path).not.toMatch(/\n\s+at /);
    }
  });

  it('with only the client id, names the one missing secret and never shows the id', async () => {
    const r = await call('/health/ready', { ...noCredentials, OCEAN__PORT__CLIENT_ID: CLIENT_ID } as TideEnv);
    expect(r.status).toBe(503);
    expect(r.body.message).toMatch(/OCEAN__PORT__CLIENT_SECRET/);
    expect(r.text).not.toContain(CLIENT_ID);
  });

  it('lets the cron fire without throwing', async () => {
    const ctx = createExecutionContext();
    await expect(worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), noCredentials, ctx)).resolves.toBeUndefined();
    await waitOnExecutionContext(ctx);
  });
});
