/** defineIntegration's checks of `actions` (docs/behaviour.md §11.5): a malformed executor fails at import, naming it. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineIntegration, z } from '../index.ts';

const define = (actions: unknown) => () => defineIntegration({ kinds: {}, actions: actions as never });

describe('defineIntegration({ actions })', () => {
  it('refuses malformed executors, naming the action type and the field', () => {
    expect(define([])).toThrow('defineIntegration: `actions` must be an object of action types → executors');
    expect(define({ deploy: {} })).toThrow('defineIntegration: action "deploy" needs a run(run, ctx) function');
    expect(define({ deploy: { run() {}, partitionKey: 'repo' } })).toThrow('defineIntegration: action "deploy": partitionKey must be a function (run) => string');
    expect(define({ deploy: { run() {}, timeoutSeconds: 0 } })).toThrow('defineIntegration: action "deploy": timeoutSeconds must be a positive number of seconds or a function (run) => seconds, got 0');
    expect(define({ deploy: { run() {}, properties: { ref: 'string' } } })).toThrow('defineIntegration: action "deploy": properties must be a zod schema');
    expect(define({ deploy: { run() {}, rateLimit: { isNear: () => false } } })).toThrow('defineIntegration: action "deploy": rateLimit must be { isNear(run, ctx), waitSeconds(run, ctx) }');
  });

  it("types each run's properties by its schema, and ctx.config by the config schema", () => {
    defineIntegration({
      config: z.object({ org: z.string() }),
      kinds: {},
      actions: {
        deploy: {
          properties: z.object({ ref: z.string(), replicas: z.number().default(1) }),
          partitionKey: (run) => run.properties.ref,
          run(run, ctx) {
            expectTypeOf(run.properties).toEqualTypeOf<{ ref: string; replicas: number }>();
            expectTypeOf(ctx.config.org).toEqualTypeOf<string>();
          },
        },
        untyped: {
          run(run) {
            expectTypeOf(run.properties).toEqualTypeOf<Record<string, unknown>>();
          },
        },
      },
    });
  });
});
