/**
 * What `defineIntegration` infers. The `expectTypeOf` lines and `@ts-expect-error` marks are checked by
 * `tsc --noEmit` (`npm run typecheck`, run in CI): a wrong inferred type fails the type check, not just a test.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { LiveEventProcessor, ProcessorContext, VerifyRequest } from '../live/index.ts';
import type { Entity } from '../mapping/index.ts';
import type { PortEntityInput, SearchQuery } from '../port/index.ts';
import { createTide } from './create-tide.ts';
import { defineIntegration, type HookContext, type IntegrationDefinition } from './define.ts';

const processor: LiveEventProcessor = {
  shouldProcessEvent: () => true,
  getMatchingKinds: () => ['issue'],
  authenticate: () => true,
  validatePayload: () => true,
  handleEvent: async () => ({ updated: [], deleted: [] }),
};

const tracker = defineIntegration({
  config: z.object({
    trackerUrl: z.string(),
    pageSize: z.number().int().default(50),
    secret: z.string().optional(),
  }),
  kinds: {
    issue: {
      selector: z.object({ state: z.enum(['open', 'closed', 'all']).default('open'), labels: z.array(z.string()).optional() }),
      async *resync(ctx) {
        expectTypeOf(ctx.selector.state).toEqualTypeOf<'open' | 'closed' | 'all'>();
        expectTypeOf(ctx.selector.labels).toEqualTypeOf<string[] | undefined>();
        expectTypeOf(ctx.selector.query).toEqualTypeOf<string>();
        expectTypeOf(ctx.config.trackerUrl).toEqualTypeOf<string>();
        // The schema's output: the default makes pageSize always present.
        expectTypeOf(ctx.config.pageSize).toEqualTypeOf<number>();
        // @ts-expect-error a selector field the schema does not declare
        void ctx.selector.assignee;
        // @ts-expect-error a config key the schema does not declare
        void ctx.config.trackerToken;
        yield [{ id: ctx.selector.state }];
      },
      async *incremental(ctx) {
        // The same typed selector and config, plus the run's cursor.
        expectTypeOf(ctx.selector.state).toEqualTypeOf<'open' | 'closed' | 'all'>();
        expectTypeOf(ctx.config.pageSize).toEqualTypeOf<number>();
        expectTypeOf(ctx.since).toEqualTypeOf<Date>();
        expectTypeOf(ctx.advance).toEqualTypeOf<(at: Date) => void>();
        ctx.deleted([{ id: 'gone' }]);
        yield [{ id: ctx.since.toISOString() }];
      },
    },
    // A kind without a selector schema: any fields beside `query`.
    project: {
      resync(ctx) {
        expectTypeOf(ctx.selector).toEqualTypeOf<Record<string, unknown> & { query: string }>();
        expectTypeOf(ctx.config.trackerUrl).toEqualTypeOf<string>();
        return [];
      },
    },
  },
  webhooks: {
    '/webhook': {
      verify(request, context) {
        expectTypeOf(request).toEqualTypeOf<VerifyRequest>();
        expectTypeOf(context.config.secret).toEqualTypeOf<string | undefined>();
        return context.config.secret !== undefined;
      },
      processors: [
        (context) => {
          expectTypeOf(context).toEqualTypeOf<ProcessorContext<{ trackerUrl: string; pageSize: number; secret?: string | undefined }>>();
          return processor;
        },
      ],
    },
  },
  onStart(ctx) {
    expectTypeOf(ctx.config.pageSize).toEqualTypeOf<number>();
  },
});

describe('defineIntegration types', () => {
  it('infers the config and each selector from their schemas, and the result is what adapters take', () => {
    type Config = { trackerUrl: string; pageSize: number; secret?: string | undefined };
    expectTypeOf(tracker).toExtend<IntegrationDefinition<Config>>();
    expectTypeOf(tracker.kinds.issue.resync).parameter(0).toHaveProperty('selector').toEqualTypeOf<
      { state: 'open' | 'closed' | 'all'; labels?: string[] | undefined } & { query: string }
    >();
    expectTypeOf(tracker.kinds.project.selector).toEqualTypeOf<undefined>();
    expectTypeOf(tracker.onStart).toEqualTypeOf<((ctx: HookContext<Config>) => void | Promise<void>) | undefined>();
    // Every adapter entry point takes it as it is.
    expectTypeOf(createTide<Config>).parameter(0).toHaveProperty('integration').toEqualTypeOf<IntegrationDefinition<Config>>();
    const asAdapterTakesIt: IntegrationDefinition<any> = tracker;
    expect(Object.keys(asAdapterTakesIt.kinds)).toEqual(['issue', 'project']);
  });

  it('without a config schema, config is a plain record', () => {
    const plain = defineIntegration({
      kinds: {
        item: {
          resync(ctx) {
            expectTypeOf(ctx.config).toEqualTypeOf<Record<string, unknown>>();
            return [];
          },
        },
      },
    });
    expectTypeOf(plain).toExtend<IntegrationDefinition>();
  });

  it('a config type given as the type argument types config without a schema', () => {
    const explicit = defineIntegration<{ apiToken: string }>({
      kinds: {
        thing: {
          resync(ctx) {
            expectTypeOf(ctx.config.apiToken).toEqualTypeOf<string>();
            expectTypeOf(ctx.selector).toEqualTypeOf<Record<string, unknown> & { query: string }>();
            return [];
          },
        },
      },
    });
    expectTypeOf(explicit).toExtend<IntegrationDefinition<{ apiToken: string }>>();
  });

  it('refuses what is not a schema, at run time too', () => {
    // @ts-expect-error a selector must be a zod schema
    expect(() => defineIntegration({ kinds: { a: { selector: { state: 'open' }, resync: () => [] } } })).toThrow(/kind "a": selector must be a zod schema/);
    // @ts-expect-error config must be a zod schema
    expect(() => defineIntegration({ config: { url: 'x' }, kinds: {} })).toThrow(/config must be a zod schema/);
    // @ts-expect-error incremental must be a function
    expect(() => defineIntegration({ kinds: { a: { resync: () => [], incremental: [] } } })).toThrow(/kind "a": incremental must be a function/);
  });

  it('mapped entities carry a typed key and go to Port as they are', () => {
    expectTypeOf<Entity['identifier']>().toEqualTypeOf<string | SearchQuery>();
    expectTypeOf<Entity['blueprint']>().toEqualTypeOf<string>();
    expectTypeOf<Entity>().toExtend<PortEntityInput>();
  });
});
