import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.ts';
import type { WebhookProcessor } from './index.ts';
import { RetryableError, WebhookRegistrationError, defaultRetryDelay, defaultShouldRetry, registerProcessors, registerRoutes } from './index.ts';

const valid = (): WebhookProcessor => ({
  shouldProcessEvent: () => true,
  getMatchingKinds: () => ['repo'],
  authenticate: () => true,
  validatePayload: () => true,
  handleEvent: async () => ({ updated: [], deleted: [] }),
});

describe('processor registration', () => {
  it('rejects a registration that misses a method, naming the path, the processor and the method', () => {
    const { handleEvent: _h, ...incomplete } = valid();
    expect(() => registerProcessors({ '/webhook': [valid, () => incomplete as unknown as WebhookProcessor] })).toThrow(WebhookRegistrationError);
    expect(() => registerProcessors({ '/hook': incomplete as unknown as WebhookProcessor })).toThrow(
      /webhook processor #0 at path "\/hook".*missing method handleEvent\(\)/,
    );
    class NoAuth {
      shouldProcessEvent() {
        return true;
      }
    }
    expect(() => registerProcessors({ '/gh': NoAuth as unknown as () => WebhookProcessor })).toThrow(
      /NoAuth at path "\/gh".*missing method getMatchingKinds\(\); missing method authenticate\(\); missing method validatePayload\(\); missing method handleEvent\(\)/,
    );
    expect(() => registerProcessors({ '/x': { ...valid(), kind: 'other' } as unknown as WebhookProcessor })).toThrow(/kind must be/);
    expect(() => registerProcessors({ '/x': { ...valid(), maxRetries: -1 } })).toThrow(/maxRetries/);
    expect(() => registerProcessors({ '/x': [] })).toThrow(/no processor/);
  });

  it('accepts classes (methods or fields), factories and plain objects, each giving a fresh instance', () => {
    class Push implements WebhookProcessor {
      seen = 0;
      shouldProcessEvent = () => true;
      getMatchingKinds() {
        return ['repo'];
      }
      authenticate() {
        return true;
      }
      validatePayload() {
        return true;
      }
      async handleEvent() {
        return { updated: [], deleted: [] };
      }
    }
    const shared = { ...valid(), count: 0 };
    const regs = registerProcessors({ webhook: [Push, valid, shared] }).get('/webhook');
    expect(regs?.map((r) => r.name)).toEqual(['Push', 'valid', '#2']);
    const [a, b] = [regs![0].create(), regs![0].create()];
    expect(a).toBeInstanceOf(Push);
    expect(a).not.toBe(b);
    const instance = regs![2].create() as typeof shared;
    instance.count = 5;
    expect(shared.count).toBe(0);
    expect(typeof instance.handleEvent).toBe('function');
  });
});

describe('route registration', () => {
  it('binds a route check to the integration context; refuses a route without processors, a check that is not a function, and two checks for one path', async () => {
    const seen: unknown[] = [];
    const routes = registerRoutes(
      { '/signed': { verify: (_request, { config }) => (seen.push(config), config.ok === true), processors: [valid] }, unsigned: valid },
      { config: { ok: true }, logger: silentLogger },
    );
    const request = { method: 'POST', url: 'http://tide.local/integration/signed', headers: {}, rawBody: new Uint8Array() };
    expect(await routes.get('/signed')!.verify!(request)).toBe(true);
    expect(seen).toEqual([{ ok: true }]);
    expect(routes.get('/unsigned')!.verify).toBeUndefined();
    expect(routes.get('/unsigned')!.processors.map((p) => p.name)).toEqual(['valid']);

    expect(() => registerRoutes({ '/x': { processors: [] } })).toThrow(/webhook path "\/x": no processor registered/);
    expect(() => registerRoutes({ '/x': { verify: 'yes' as never, processors: valid } })).toThrow(/verify must be a function/);
    expect(() => registerRoutes({ '/x': { verify: () => true, processors: valid }, x: { verify: () => true, processors: valid } })).toThrow(/two verify functions/);
  });
});

describe('retry defaults', () => {
  it('waits min(2^(n−1), 30) s and retries RetryableError only', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(defaultRetryDelay)).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(defaultShouldRetry(new RetryableError('x'))).toBe(true);
    expect(defaultShouldRetry(new Error('x'))).toBe(false);
  });
});
