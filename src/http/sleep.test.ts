import { describe, expect, it } from 'vitest';
import { anySignal, sleep } from './sleep.ts';

describe('sleep', () => {
  it('resolves after the wait', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects with the abort reason, already aborted or aborted while waiting', async () => {
    const reason = new Error('stop');
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('anySignal', () => {
  it('aborts with the reason of whichever signal aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal } = anySignal([a.signal, undefined, b.signal]);
    expect(signal.aborted).toBe(false);
    b.abort('second');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('second');
  });

  it('works without AbortSignal.any (the fallback path)', () => {
    const native = (AbortSignal as { any?: unknown }).any;
    (AbortSignal as { any?: unknown }).any = undefined;
    try {
      const a = new AbortController();
      const b = new AbortController();
      const { signal, dispose } = anySignal([a.signal, b.signal]);
      a.abort('first');
      expect(signal.reason).toBe('first');
      const { signal: late } = anySignal([AbortSignal.abort('pre'), b.signal]);
      expect(late.reason).toBe('pre');
      dispose();
    } finally {
      (AbortSignal as { any?: unknown }).any = native;
    }
  });
});
