import { describe, expect, it } from 'vitest';
import {
  PORT_RETRY_POLICY,
  VENDOR_RETRY_POLICY,
  backoffDelay,
  isRetryableResponse,
  parseWaitHeader,
  resolveRetryPolicy,
  retryDelay,
} from './retry-policy.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('parseWaitHeader', () => {
  it('reads integer and decimal seconds', () => {
    expect(parseWaitHeader('120', NOW)).toBe(120_000);
    expect(parseWaitHeader(' 0 ', NOW)).toBe(0);
    expect(parseWaitHeader('1.5', NOW)).toBe(1_500);
    expect(parseWaitHeader('10000', NOW)).toBe(10_000_000);
  });

  it('reads integers above 10,000 as epoch seconds, and above 10^12 as epoch milliseconds', () => {
    expect(parseWaitHeader(String(NOW / 1000 + 42), NOW)).toBe(42_000);
    expect(parseWaitHeader(String(NOW + 1_234), NOW)).toBe(1_234);
    expect(parseWaitHeader(String(NOW / 1000 - 5), NOW)).toBe(0);
  });

  it('reads ISO dates and HTTP-dates', () => {
    expect(parseWaitHeader(new Date(NOW + 90_000).toISOString(), NOW)).toBe(90_000);
    expect(parseWaitHeader('2026-01-15T12:01:00Z', NOW)).toBe(60_000);
    expect(parseWaitHeader(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseWaitHeader('Thu, 15 Jan 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it('returns undefined for empty or unreadable values', () => {
    for (const value of [undefined, null, '', '  ', 'soon', '-5', '1e3', 'abc 12']) {
      expect(parseWaitHeader(value, NOW)).toBeUndefined();
    }
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, jittered by ±fraction, capped', () => {
    const mid = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, PORT_RETRY_POLICY, () => 0.5));
    expect(mid).toEqual([300, 600, 1200, 2400, 4800]);
    expect(backoffDelay(1, PORT_RETRY_POLICY, () => 0)).toBe(270);
    expect(backoffDelay(1, PORT_RETRY_POLICY, () => 1)).toBe(330);
    expect(backoffDelay(11, PORT_RETRY_POLICY, () => 0.5)).toBe(300_000);
    expect(backoffDelay(10, VENDOR_RETRY_POLICY, () => 0.5)).toBe(51_200);
    expect(backoffDelay(11, VENDOR_RETRY_POLICY, () => 0.5)).toBe(60_000);
  });
});

describe('retryDelay', () => {
  const res = (status: number, headers: Record<string, string>) => new Response(null, { status, headers });

  it('prefers Retry-After, then x-ratelimit-reset, then backoff', () => {
    const reset = String(NOW / 1000 + 20);
    expect(retryDelay(res(429, { 'retry-after': '5', 'x-ratelimit-reset': reset }), 1, PORT_RETRY_POLICY, NOW)).toBe(5_000);
    expect(retryDelay(res(429, { 'retry-after': 'later', 'x-ratelimit-reset': reset }), 1, PORT_RETRY_POLICY, NOW)).toBe(20_000);
    expect(retryDelay(res(503, {}), 3, PORT_RETRY_POLICY, NOW, () => 0.5)).toBe(1_200);
    expect(retryDelay(undefined, 2, PORT_RETRY_POLICY, NOW, () => 0.5)).toBe(600);
  });

  it('caps header waits at maxDelayMs', () => {
    expect(retryDelay(res(429, { 'retry-after': '3600' }), 1, PORT_RETRY_POLICY, NOW)).toBe(300_000);
    expect(retryDelay(res(429, { 'retry-after': '3600' }), 1, VENDOR_RETRY_POLICY, NOW)).toBe(60_000);
  });

  it('ignores x-ratelimit-reset when budget remains and the status is not 429', () => {
    const headers = { 'x-ratelimit-remaining': '120', 'x-ratelimit-reset': String(NOW / 1000 + 200) };
    expect(retryDelay(res(502, headers), 1, PORT_RETRY_POLICY, NOW, () => 0.5)).toBe(300);
    expect(retryDelay(res(429, headers), 1, PORT_RETRY_POLICY, NOW, () => 0.5)).toBe(200_000);
  });
});

describe('policies', () => {
  it('retry 408/429/502/503/504 and never 500 or 401', () => {
    for (const policy of [PORT_RETRY_POLICY, VENDOR_RETRY_POLICY]) {
      expect([...policy.statuses].sort()).toEqual([408, 429, 502, 503, 504]);
      expect(policy.retries).toBe(10);
      expect(policy.retryNetworkErrors).toBe(true);
      expect([...policy.methods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']);
    }
    expect(isRetryableResponse(new Response(null, { status: 500 }), PORT_RETRY_POLICY)).toBe(false);
    expect(isRetryableResponse(new Response(null, { status: 401 }), PORT_RETRY_POLICY)).toBe(false);
  });

  it('treats GitHub-style rate-limit 403s as retryable, other 403s not', () => {
    const limited = new Response(null, { status: 403, headers: { 'x-ratelimit-remaining': '0' } });
    const secondary = new Response(null, { status: 403, headers: { 'retry-after': '60' } });
    const forbidden = new Response(null, { status: 403, headers: { 'x-ratelimit-remaining': '4999' } });
    expect(isRetryableResponse(limited, VENDOR_RETRY_POLICY)).toBe(true);
    expect(isRetryableResponse(secondary, VENDOR_RETRY_POLICY)).toBe(true);
    expect(isRetryableResponse(forbidden, VENDOR_RETRY_POLICY)).toBe(false);
  });

  it('resolves overrides onto a preset', () => {
    const policy = resolveRetryPolicy({ retries: 2, methods: new Set(['get', 'post']) }, PORT_RETRY_POLICY);
    expect(policy.retries).toBe(2);
    expect(policy.baseDelayMs).toBe(300);
    expect([...policy.methods]).toEqual(['GET', 'POST']);
  });
});
