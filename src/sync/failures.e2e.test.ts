/**
 * Entity failures a resync survives (docs/behaviour.md §4.6, §4.11): upserts Port refuses make a completed
 * resync exit 2, not 0; a batch whose request failed as a whole (a burst of 503s outlasting its retries) is
 * sent once more at the end of its kind before it counts as failed, so a transient burst drops nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages, resource } from './test-harness.ts';

let t: TestEmulator;
beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

function integrationFor(data: { services: Array<Record<string, unknown>> }) {
  return defineIntegration({
    kinds: {
      team: { resync: () => makeTeams() },
      service: {
        async *resync() {
          for (const page of pages(data.services, 20)) yield page;
        },
      },
    },
  });
}

const SERVICE_BULK = '/v1/blueprints/service/entities/bulk';
const ids = (body: { entities: Array<{ identifier: string }> }) => body.entities.map((e) => e.identifier);

describe('exit status of a resync', () => {
  it('a mapping that writes a string into a number property fails every entity: completed, exit code 2, with counts', async () => {
    const data = { services: makeServices(30) };
    const mapping = { resources: [resource('team', 'team', { properties: { size: '"a lot"' } }), SERVICE_RESOURCE()] };
    const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping });
    const report = await h.runner.resync();
    expect(report.status).toBe('completed');
    expect(report.kinds[0]).toMatchObject({ upserted: 0, failed: 2 });
    expect(report.failures).toEqual({ upserts: 2, deletes: 0 });
    expect(report.exitCode).toBe(2);
    const last = h.logger.records.filter((r) => r.message.startsWith('resync ')).at(-1);
    expect(last?.message).toMatch(/^resync completed with failures: 2 entities failed to upsert, 0 to delete \(exit code 2\)/);
  });

  it('a clean resync exits 0, a failed one 1', async () => {
    const data = { services: makeServices(30) };
    const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });
    const clean = await h.runner.resync();
    expect([clean.status, clean.exitCode, clean.failures]).toEqual(['completed', 0, { upserts: 0, deletes: 0 }]);
    await h.setMapping({ resources: [TEAM_RESOURCE(), SERVICE_RESOURCE('missing-kind')] });
    const failed = await h.runner.resync();
    expect([failed.status, failed.exitCode]).toEqual(['failed', 1]);
  });
});

describe('a burst of 503s on bulk upserts', () => {
  it('a batch whose retries ran out is sent again after the kind’s other batches: nothing is dropped', async () => {
    const data = { services: makeServices(60) };
    const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });
    // 30 answers of 503: the first page's request spends its 11 attempts, the second page's too, the third recovers.
    await h.admin('POST', '/faults', { match: { method: 'POST', path: SERVICE_BULK }, times: 30, action: { type: 'status', status: 503 } });
    const report = await h.runner.resync();
    expect(report.kinds[1]).toMatchObject({ upserted: 60, failed: 0 });
    expect([report.status, report.exitCode]).toEqual(['completed', 0]);
    expect(await h.ids('service')).toHaveLength(60);
    const accepted = (await h.requests({ method: 'POST', path: SERVICE_BULK })).filter((r) => r.status === 200).map((r) => ids(r.body)[0]);
    // The third page went through first; the two failed pages after it, once each.
    expect(accepted[0]).toBe('svc-41');
    expect(accepted.slice(1).sort()).toEqual(['svc-01', 'svc-21']);
  });

  it('what still fails after the second try counts as failed (exit code 2), is seen, and is sent only twice', async () => {
    const data = { services: makeServices(40) };
    // The first identifier of every bulk upsert of services the resync sends (answered or not).
    const sent: string[] = [];
    const h = await createHarness(
      { baseUrl: t.baseUrl, fetch: t.fetch },
      {
        integration: integrationFor(data),
        mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] },
        observe(method, path, body) {
          if (method === 'POST' && path === SERVICE_BULK && body) sent.push(ids(JSON.parse(body))[0]);
        },
      },
    );
    await h.runner.resync();
    data.services.splice(0, 1);
    for (const s of data.services) s.lang = 'rust';
    sent.length = 0;
    const fault = await h.admin('POST', '/faults', { match: { method: 'POST', path: SERVICE_BULK }, times: -1, action: { type: 'status', status: 503 } });
    const report = await h.runner.resync();
    await h.admin('DELETE', `/faults/${fault.id}`);
    expect(report.kinds[1]).toMatchObject({ upserted: 0, failed: 39 });
    expect([report.status, report.exitCode, report.failures]).toEqual(['completed', 2, { upserts: 39, deletes: 0 }]);
    // Seen despite the failure: only the one removed upstream is deleted.
    expect(report.deletion.counts).toMatchObject({ candidates: 1, deleted: 1 });
    // Each page's request spends its attempts twice: once in turn, once after the kind's last batch.
    const total = sent.filter((id) => id === 'svc-02').length;
    const attempts = total / 2;
    expect(attempts).toBeGreaterThan(1);
    expect(sent.filter((id) => id === 'svc-22')).toHaveLength(total);
    const secondRound = sent.findIndex((id, i) => id === 'svc-02' && sent.slice(0, i).filter((x) => x === 'svc-02').length === attempts);
    expect(sent.slice(0, secondRound).filter((id) => id === 'svc-22')).toHaveLength(attempts);
  });
});
