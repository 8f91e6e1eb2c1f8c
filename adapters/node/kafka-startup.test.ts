/**
 * KAFKA startup failures through `sail()` (docs/behaviour.md §5.1, §5.4): no broker needed, they happen
 * before or at the connection. The consumer itself is tested against a real broker in kafka.kafka.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sail } from './sail.ts';
import { harness, startTestPort, tempCwd, type TestPort } from './test-support.ts';

let port: TestPort;
let cwd: ReturnType<typeof tempCwd>;
let h: ReturnType<typeof harness>;

beforeEach(async () => {
  port = await startTestPort();
  cwd = tempCwd();
  h = harness();
});
afterEach(async () => {
  await h.stopAll();
  await port.emulator.close();
  cwd.remove();
});

const start = async (env: Record<string, string>) =>
  h.track(
    await sail({
      integration: 'fake',
      cwd: cwd.dir,
      env: port.env({ OCEAN__EVENT_LISTENER__TYPE: 'KAFKA', OCEAN__EVENT_LISTENER__SECURITY_PROTOCOL: 'SASL_PLAINTEXT', ...env }),
      httpPort: 0,
      handleSignals: false,
      out: h.out,
      kafka: { retry: { retries: 0 } },
    }),
  );

describe('KAFKA startup', () => {
  it('is fatal when Port has no Kafka credentials for the organisation', async () => {
    const result = await start({ OCEAN__EVENT_LISTENER__BROKERS: '127.0.0.1:1' });
    expect(result.exitCode).toBe(1);
    expect(h.lines.join('\n')).toMatch(/KAFKA listener failed to start: .*Kafka credentials not found/);
    const gets = await port.requests({ method: 'GET', path: '/v1/kafka-credentials' });
    expect(gets).toHaveLength(1);
  });

  it('is fatal when the broker cannot be reached, naming the topic, brokers and group', async () => {
    await port.admin('PUT', '/organization', { id: 'org_down' });
    await port.admin('PUT', '/kafka-credentials', { username: 'u', password: 'p' });
    const result = await start({ OCEAN__EVENT_LISTENER__BROKERS: '["127.0.0.1:1"]' });
    expect(result.exitCode).toBe(1);
    expect(h.lines.join('\n')).toContain('could not consume org_down.change.log from 127.0.0.1:1 as org_down.fake.fake-node');
  });

  it('with security off reads no credentials and uses the no-security group', async () => {
    await port.admin('PUT', '/organization', { id: 'org_open' });
    const result = await start({ OCEAN__EVENT_LISTENER__BROKERS: '127.0.0.1:1', OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED: 'false' });
    expect(result.exitCode).toBe(1);
    expect(h.lines.join('\n')).toContain('as org_open.no-security');
    expect(await port.requests({ method: 'GET', path: '/v1/kafka-credentials' })).toHaveLength(0);
  });
});
