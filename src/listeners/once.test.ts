import { describe, expect, it } from 'vitest';
import { onceExitCode, runOnce } from './once.ts';
import { createCountingTrigger } from './test-support.ts';

describe('ONCE', () => {
  it('runs exactly one resync and exits 0 when it completed', async () => {
    const fake = createCountingTrigger('completed');
    expect(await runOnce({ trigger: fake.trigger })).toEqual({ status: 'completed', exitCode: 0 });
    expect(fake.calls).toEqual(['once']);
  });

  it('exits 1 when the resync failed', async () => {
    const fake = createCountingTrigger('failed');
    expect(await runOnce({ trigger: fake.trigger })).toEqual({ status: 'failed', exitCode: 1 });
    expect(fake.calls).toEqual(['once']);
  });

  it('exits 1 when the resync threw or was aborted', async () => {
    expect(await runOnce({ trigger: createCountingTrigger(new Error('boom')).trigger })).toEqual({ status: 'failed', exitCode: 1 });
    expect(await runOnce({ trigger: createCountingTrigger('aborted').trigger })).toEqual({ status: 'aborted', exitCode: 1 });
    expect([onceExitCode('completed'), onceExitCode('failed'), onceExitCode('aborted')]).toEqual([0, 1, 1]);
  });

  it('exits 2 when the resync completed but its report counts entity failures; the report’s 2 never outranks a failure', async () => {
    const completed = { resync: async () => ({ status: 'completed' as const, exitCode: 2 as const, detail: '3 entities failed to upsert' }) };
    expect(await runOnce({ trigger: completed })).toEqual({ status: 'completed', exitCode: 2 });
    const failed = { resync: async () => ({ status: 'failed' as const, exitCode: 2 as const }) };
    expect(await runOnce({ trigger: failed })).toEqual({ status: 'failed', exitCode: 1 });
  });
});
