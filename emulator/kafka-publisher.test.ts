import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from './test-helpers.ts';

/**
 * Contract: docs/port-api.md §13.5 `PUT /_emulator/kafka` without a broker (validation, disabled delivery).
 * Delivery to a real broker is covered by adapters/node/kafka.kafka.test.ts.
 */
let t: TestEmulator;

beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

describe('PUT /_emulator/kafka', () => {
  it('rejects an enabled configuration without brokers, and unknown fields', async () => {
    expect((await t.admin('PUT', '/kafka', { brokers: [], enabled: true })).status).toBe(422);
    expect((await t.admin('PUT', '/kafka', { brokers: ['127.0.0.1:1'], enabled: true, extra: 1 })).status).toBe(422);
    expect((await t.admin('PUT', '/kafka', { brokers: ['127.0.0.1:1'], enabled: true, sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } })).status).toBe(422);
  });

  it('answers the configuration without the password when disabled, and leaves outbox entries without a Kafka result', async () => {
    const r = await t.admin('PUT', '/kafka', { brokers: ['127.0.0.1:1'], enabled: false, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'secret-pw' } });
    expect(r.status).toBe(200);
    expect(r.body.kafka).toEqual({ brokers: ['127.0.0.1:1'], enabled: false, ssl: false, sasl: { mechanism: 'scram-sha-512', username: 'u' } });
    expect(JSON.stringify(r.body)).not.toContain('secret-pw');

    const created = await t.call('POST', '/v1/integration', { installationId: 'my-int', installationAppType: 'fake', version: '1.0.0' });
    expect(created.status).toBe(201);
    expect((await t.call('PATCH', '/v1/integration/my-int/config', { config: { a: 1 } })).status).toBe(200);
    const events = (await t.admin('GET', '/changelog')).body.events as Array<{ topic: string; kafka?: unknown }>;
    expect(events.some((e) => e.topic === 'org_emulator.change.log')).toBe(true);
    expect(events.every((e) => e.kafka === undefined)).toBe(true);
  });

  it('answers 422 when the broker cannot be reached', async () => {
    // Port 1 on loopback refuses connections at once.
    const r = await t.admin('PUT', '/kafka', { brokers: ['127.0.0.1:1'], enabled: true });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('could not connect');
  }, 60_000);
});
