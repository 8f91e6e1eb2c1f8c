/**
 * What a resync says about its mapping, once per resync rather than once per page:
 * - properties the blueprint does not declare (docs/behaviour.md §4.5; docs/port-api.md §15.2): Port drops
 *   them, so the skip-unchanged diff compares only what Port stores; a mapping that sends such keys is not
 *   rewritten in full on every resync, and one warning per resync names the keys;
 * - fields that evaluated to null: one warning per path, with the count.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import { TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages, resource } from './test-harness.ts';

let t: TestEmulator;
beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

describe('a mapping that sends undeclared properties', () => {
  it('is written once; the next resync upserts nothing, and each resync warns once naming the keys', async () => {
    const data = { services: makeServices(30) };
    const integration = defineIntegration({
      kinds: {
        team: { resync: () => makeTeams() },
        service: {
          async *resync() {
            for (const page of pages(data.services, 15)) yield page;
          },
        },
      },
    });
    const services = resource('service', 'service', { properties: { language: '.lang', nickname: '"n-" + .id', shoeSize: '42' }, relations: { owner: '.team' } });
    const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [TEAM_RESOURCE(), services] } });
    const first = await h.runner.resync();
    expect(first.kinds[1]).toMatchObject({ upserted: 30, failed: 0 });
    const warnings = () => h.logger.records.filter((r) => r.level === 'warn' && r.message.includes('not declared'));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0].message).toContain('service');
    expect(warnings()[0].fields).toMatchObject({ blueprint: 'service', properties: ['nickname', 'shoeSize'] });

    const plan = await h.plan();
    expect(plan.blueprints.service.counts).toMatchObject({ updates: 0, unchanged: 30 });
    await h.clearRequests();
    const second = await h.runner.resync();
    expect(second.kinds[1]).toMatchObject({ upserted: 0, unchanged: 30 });
    expect(await h.requests({ method: 'POST', path: '/v1/blueprints/service/entities/bulk' })).toHaveLength(0);
    expect(warnings()).toHaveLength(3); // one per resync and one for the plan

    // A change to a declared property is still sent.
    data.services[4] = { ...data.services[4], lang: 'rust' };
    const third = await h.runner.resync();
    expect(third.kinds[1]).toMatchObject({ upserted: 1, unchanged: 29 });
  });
});

describe('a mapping field that evaluates to null', () => {
  it('is reported once per path per resync, with the count of entities, not once per page', async () => {
    const integration = defineIntegration({
      kinds: {
        service: {
          async *resync() {
            for (const page of pages(makeServices(45), 15)) yield page;
          },
        },
      },
    });
    const services = resource('service', 'service', { properties: { language: '.language_typo' }, relations: { owner: '.team' } });
    const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [services] } });
    await h.runner.resync();
    const nulls = h.logger.records.filter((r) => r.message.includes('evaluated to null'));
    expect(nulls).toHaveLength(1);
    expect(nulls[0].level).toBe('warn');
    expect(nulls[0].message).toContain('service-0');
    expect(nulls[0].message).toContain('45 entities');
    expect(nulls[0].message).toContain('.language_typo');
    await h.runner.resync();
    expect(h.logger.records.filter((r) => r.message.includes('evaluated to null'))).toHaveLength(2);
  });
});
