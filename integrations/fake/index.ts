/**
 * Tide's bundled `fake` integration: the demo and benchmark workload. Its five kinds (department, person,
 * office, team, project), blueprints, mapping and `OCEAN__INTEGRATION__CONFIG__*` settings follow Ocean's
 * fake integration, so the same workload can run on both; unlike Ocean's, the data is deterministic
 * (`{department}-{index}` persons, every field derived from the identifier; fixed offices, teams and
 * projects). `.port/spec.yaml` and `.port/resources/` ship beside this file.
 */
import { defineIntegration, z } from 'port-tide';
import { fakeEcho } from './actions.ts';
import { fakeChangedPersons, fakeDataConfigSchema, fakeDepartments, fakePersonCount, fakePersons, resolveFakeConfig } from './data.ts';
import { fakeOffices, fakeProjects, fakeTeams } from './org.ts';
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
export { FAKE_OFFICES, FAKE_ORGANISATION_ENTITIES, FAKE_PROJECT_COUNT, FAKE_TEAMS, fakeOffices, fakeProjects, fakeTeams } from './org.ts';
export type { FakeOffice, FakeProject, FakeProjectStatus, FakeTeam } from './org.ts';
export { FAKE_SECRET_HEADER, fakePersonWebhook, fakeWebhookRoute } from './webhook.ts';
export { fakeEcho, fakeEchoProperties } from './actions.ts';
export type { FakeConfig, FakeDepartment, FakePageRange, FakePerson, FakePersonStatus } from './data.ts';

export const FAKE_INTEGRATION_TYPE = 'fake';
export const FAKE_INTEGRATION_VERSION = '0.1.0';

/**
 * `integration.config`: Ocean's four settings and Tide's `changedPersons`, checked (a bad value stops startup
 * naming `OCEAN__INTEGRATION__CONFIG__<NAME>`; Ocean quietly runs `ENTITY_AMOUNT=-5` as 20, which hides the
 * typo), and Tide's optional `webhookSecret` for live events.
 */
export const fakeConfigSchema = fakeDataConfigSchema.extend({ webhookSecret: z.string().optional() });

export default defineIntegration({
  type: FAKE_INTEGRATION_TYPE,
  version: FAKE_INTEGRATION_VERSION,
  config: fakeConfigSchema,
  // Live events run only when `baseUrl` is set (docs/behaviour.md §6.1); with `webhookSecret`, only deliveries that carry it.
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
    'fake-office': { resync: () => fakeOffices() },
    'fake-team': { resync: () => fakeTeams() },
    'fake-project': { resync: () => fakeProjects() },
  },
});
