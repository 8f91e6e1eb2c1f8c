/**
 * Port's clock as the client learns it from the `Date` of Port's answers (clock.ts), against the emulator
 * over loopback (where Node would stamp `Date` itself) with its clock moved, and the bounds' arithmetic; and
 * the single upsert telling a create from an update, which the owned-at-start count relies on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test-helpers.ts';
import { createClockOffsetTracker } from './clock.ts';
import { createPortClient } from './index.ts';

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function client(transport: 'inProcess' | 'loopback') {
  t = await startEmulator({ transport });
  await t.admin('POST', '/seed', { blueprints: [{ identifier: 'team', title: 'Team', schema: { properties: {} } }] });
  const fetchFn = (transport === 'loopback' ? fetch : t.emulator.fetch) as typeof fetch;
  return createPortClient({ baseUrl: t.baseUrl, ...TEST_CREDENTIALS, userAgent: { type: 'x', version: '1', identifier: 'x' }, fetch: fetchFn });
}

describe('the clock offset the client learns', () => {
  it.each(['inProcess', 'loopback'] as const)('%s: Port 5 minutes behind shows as bounds around -300 s; nothing is known before an answer', async (transport) => {
    const port = await client(transport);
    expect(port.clockOffset()).toBeUndefined();
    await t!.admin('POST', '/clock', { advanceSeconds: -300 });
    await port.getBlueprint('team');
    const offset = port.clockOffset()!;
    expect(offset.lower).toBeLessThanOrEqual(-299_000);
    expect(offset.lower).toBeGreaterThan(-302_000);
    expect(offset.upper).toBeGreaterThanOrEqual(-300_000);
    expect(offset.upper).toBeLessThan(-298_000);
  });

  it('intersects the bounds of successive answers, and starts afresh when they stop overlapping', () => {
    const tracker = createClockOffsetTracker();
    tracker.observe(null, 0, 10);
    expect(tracker.current()).toBeUndefined();
    // Stamped 12:00:00 (whole second), sent at 12:00:00.400, received at 12:00:00.500 by our clock.
    const at = Date.parse('2024-05-01T12:00:00.000Z');
    tracker.observe(new Date(at).toUTCString(), at + 400, at + 500);
    expect(tracker.current()).toEqual({ lower: -500, upper: 600 });
    // The next second's stamp, received at .950: Port's clock is at most 50 ms behind, at most 600 ms ahead.
    tracker.observe(new Date(at + 1000).toUTCString(), at + 900, at + 1050);
    expect(tracker.current()).toEqual({ lower: -50, upper: 600 });
    // Our clock stepped an hour back: the old bounds no longer hold.
    tracker.observe(new Date(at + 2000).toUTCString(), at + 2000 - 3_600_000, at + 2010 - 3_600_000);
    expect(tracker.current()).toEqual({ lower: 3_600_000 - 10, upper: 3_600_000 + 1000 });
    tracker.observe('not a date', 0, 0);
    expect(tracker.current()).toEqual({ lower: 3_600_000 - 10, upper: 3_600_000 + 1000 });
  });
});

describe('single upsert', () => {
  it('says whether it created the entity (201) or updated it (200)', async () => {
    const port = await client('inProcess');
    expect(await port.upsertEntity('team', { identifier: 'a', title: 'A' })).toEqual({ status: 'upserted', identifier: 'a', created: true });
    expect(await port.upsertEntity('team', { identifier: 'a', title: 'A again' })).toEqual({ status: 'upserted', identifier: 'a', created: false });
  });
});
