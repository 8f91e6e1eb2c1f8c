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
});
