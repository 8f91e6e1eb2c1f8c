/**
 * Tide's bundled `fake` integration: the demo and benchmark workload. Its kinds, blueprints, mapping and
 * `OCEAN__INTEGRATION__CONFIG__*` settings match Ocean's fake integration, so the same workload can run
 * on both; unlike Ocean's, the data is deterministic (`{department}-{index}` identifiers, every field
 * derived from the identifier). `.port/spec.yaml` and `.port/resources/` ship beside this file.
 */
import { defineIntegration, z } from 'port-tide';
import { fakeEcho } from './actions.ts';
import { fakeChangedPersons, fakeDepartments, fakePersonCount, fakePersons, resolveFakeConfig } from './data.ts';
import type { FakeConfig } from './data.ts';
import { fakeWebhookRoute } from './webhook.ts';

export {
  FAKE_DEFAULTS,
  FAKE_DEPARTMENTS,
  fakeChangedPersons,
  fakeDepartments,
  fakePageRanges,
  fakePerson,
  fakePersonCount,
  fakePersonPage,
  fakePersonPages,
  fakePersons,
  resolveFakeConfig,
} from './data.ts';
export { FAKE_SECRET_HEADER, fakePersonWebhook, fakeWebhookRoute } from './webhook.ts';
export { fakeEcho, fakeEchoProperties } from './actions.ts';
export type { FakeConfig, FakeDepartment, FakePageRange, FakePerson, FakePersonStatus } from './data.ts';

export const FAKE_INTEGRATION_TYPE = 'fake';
export const FAKE_INTEGRATION_VERSION = '0.1.0';

/**
 * `integration.config`: Ocean's four settings. Ocean quietly replaces an out-of-range value with its default;
 * Tide stops at startup naming the variable instead, since `ENTITY_AMOUNT=-5` running as 20 hides the typo.
 */
const atLeast = (min: number, what: string) => z.number().int().min(min, `expected ${what}`).optional();
export const fakeConfigSchema = z
  .object({
    entityAmount: atLeast(0, 'a whole number of persons per department, 0 or more'),
    entityKbSize: atLeast(1, 'a whole number of KB per person, 1 or more'),
    thirdPartyBatchSize: atLeast(1, 'a page size of 1 or more'),
    thirdPartyLatencyMs: atLeast(0, 'milliseconds, 0 or more'),
    changedPersons: atLeast(0, 'a whole number of persons, 0 or more'),
    webhookSecret: z.string().optional(),
  })
  .transform(({ webhookSecret, ...raw }): FakeConfig & { webhookSecret?: string } => ({ ...resolveFakeConfig(raw), ...(webhookSecret ? { webhookSecret } : {}) }));

export default defineIntegration({
  type: FAKE_INTEGRATION_TYPE,
  version: FAKE_INTEGRATION_VERSION,
  config: fakeConfigSchema,
  // Live events run only when `baseUrl` is set (OCEAN-BEHAVIOUR §6.1).
  webhooks: { '/webhook': fakeWebhookRoute },
  // Runs when the action agent is on (OCEAN__ACTIONS_PROCESSOR__ENABLED=true, docs/behaviour.md §11).
  actions: { fake_echo: fakeEcho },
  kinds: {
    'fake-department': {
      resync: () => fakeDepartments(),
    },
    'fake-person': {
      async *resync(ctx) {
        // ctx.config is already resolved; resolving again covers a handler called on its own (tests, benchmarks).
        const config = resolveFakeConfig(ctx.config);
        // The page index is the cursor: a resync resumed in a later invocation (Workers) continues after it.
        let page = typeof ctx.cursor === 'number' ? ctx.cursor : 0;
        ctx.logger.info('generating fake persons', { ...config, persons: fakePersonCount(config), fromPage: page });
        for await (const persons of fakePersons(config, ctx.signal, page)) {
          ctx.checkpoint?.((page += 1));
          yield persons;
        }
      },
      // The first `changedPersons` persons, in resync order: "N of the catalog changed" (docs/behaviour.md §4.12).
      async *incremental(ctx) {
        const config = resolveFakeConfig(ctx.config);
        yield* fakeChangedPersons(config, ctx, ctx.signal);
      },
    },
  },
});
