import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_BLUEPRINT, TEAM_BLUEPRINT, createBlueprints, expectError, seg, startEmulator, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract tests for bulk upsert (§9.7), single delete (§9.9) and bulk delete (§9.10), over both transports. */
const UA = 'port-ocean/jira/0.3.1/my-jira/exporter';
const BULK = '/v1/blueprints/service/entities/bulk';

/** Bulk upsert and deletes, run by emulator/contract.test.ts over each transport. */
export function bulkEntityRoutes(transport: Transport): void {
  describe('bulk upsert and deletes', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    });
    afterEach(async () => {
      await t.close();
    });

    const bulk = (entities: unknown[], query = 'upsert=true') => t.call('POST', `${BULK}?${query}`, { entities }, { headers: { 'user-agent': UA } });
    const upsert = (bp: string, body: unknown, query = 'upsert=true') =>
      t.call('POST', `/v1/blueprints/${bp}/entities?${query}`, body, { headers: { 'user-agent': UA } });
    const ids = async (bp: string) =>
      ((await t.call('GET', `/v1/blueprints/${bp}/entities`)).body.entities as Array<{ identifier: string }>).map((e) => e.identifier);
    const stored = async () => (await t.admin('GET', '/entities')).body.entities as Array<Record<string, unknown>>;

    describe('bulk upsert', () => {
      it('answers 200 with per-index results when every item succeeds', async () => {
        await upsert('service', { identifier: 'svc-old' });
        const r = await bulk([{ identifier: 'svc-a', properties: { language: 'go' } }, { identifier: 'svc-old', title: 'Old' }]);
        expect(r.status).toBe(200);
        expect(r.body).toEqual({
          ok: true,
          entities: [
            { identifier: 'svc-a', index: 0, created: true },
            { identifier: 'svc-old', index: 1, created: false },
          ],
          errors: [],
        });
        const rows = await stored();
        expect(rows.every((e) => e.datasource === UA)).toBe(true);
        expect((await t.call('GET', '/v1/blueprints/service/entities/svc-a')).body.entity).toMatchObject({
          title: null, properties: { language: 'go', url: null }, relations: { owner: null, deps: [] },
        });
      });

      it('answers 207 with entities and errors by index when some items fail; the others are written', async () => {
        const r = await bulk([
          { identifier: 'svc-a' },
          { identifier: 'svc-b', properties: { language: 'rust' } },
          { identifier: 'bad id' },
          { identifier: 'svc-c', relations: { owner: 'ghost' } },
          { identifier: 'svc-d' },
        ]);
        expect(r.status).toBe(207);
        expect(r.body.ok).toBe(true);
        expect(r.body.entities).toEqual([
          { identifier: 'svc-a', index: 0, created: true },
          { identifier: 'svc-d', index: 4, created: true },
        ]);
        expect(r.body.errors).toHaveLength(3);
        expect(r.body.errors[0]).toMatchObject({ identifier: 'svc-b', index: 1, statusCode: 422, error: 'blueprint_schema_mismatch' });
        expect(r.body.errors[0].message).toContain('properties.language');
        expect(r.body.errors[1]).toMatchObject({ identifier: 'bad id', index: 2, statusCode: 422, error: 'invalid_request' });
        expect(r.body.errors[1].message).toContain('identifier');
        expect(r.body.errors[2]).toMatchObject({ identifier: 'svc-c', index: 3, statusCode: 404, error: 'not_found' });
        expect(r.body.errors[2].message).toMatch(/relations\.owner.*ghost|ghost.*relations\.owner/);
        expect(await ids('service')).toEqual(['svc-a', 'svc-d']);
      });

      it('answers 207 with ok: true even when every item fails', async () => {
        const r = await bulk([{ identifier: 'svc-a' }], 'upsert=false');
        expect(r.status).toBe(200);
        const again = await bulk([{ identifier: 'svc-a' }], 'upsert=false');
        expect(again.status).toBe(207);
        expect(again.body).toMatchObject({ ok: true, entities: [], errors: [{ identifier: 'svc-a', index: 0, statusCode: 409, error: 'identifier_taken' }] });
      });

      it('accepts 20 entities and refuses 21 (and 0) with 422 naming entities, writing nothing', async () => {
        const items = (n: number) => Array.from({ length: n }, (_, i) => ({ identifier: `svc-${i}` }));
        expectError(await bulk(items(21)), 422, 'invalid_request', 'entities');
        expectError(await bulk([]), 422, 'invalid_request', 'entities');
        expect(await stored()).toEqual([]);
        expect((await bulk(items(20))).status).toBe(200);
        expect(await ids('service')).toHaveLength(20);
      });

      it('refuses a body without an entities array, and requires upsert', async () => {
        expectError(await t.call('POST', `${BULK}?upsert=true`, { items: [] }), 422, 'invalid_request', 'entities');
        expectError(await t.call('POST', BULK, { entities: [{ identifier: 'x' }] }), 422, 'invalid_request', 'upsert');
        expectError(await t.call('POST', `${BULK}?upsert=true`, undefined, { raw: '{"entities": [' }), 400, 'bad_request');
        expectError(await t.call('POST', `${BULK}?upsert=true`, { entities: [{ identifier: 'x' }] }, { token: false }), 401, 'unauthorized');
        expectError(await t.call('POST', '/v1/blueprints/ghost/entities/bulk?upsert=true', { entities: [{ identifier: 'x' }] }), 404, 'not_found', 'ghost');
      });

      it('runs items in order: a later item may relate to an earlier one', async () => {
        const r = await bulk([
          { identifier: 'svc-b', relations: { deps: ['svc-a'] } },
          { identifier: 'svc-a' },
          { identifier: 'svc-c', relations: { deps: ['svc-a'] } },
        ]);
        expect(r.status).toBe(207);
        expect(r.body.errors).toMatchObject([{ identifier: 'svc-b', index: 0, statusCode: 404, error: 'not_found' }]);
        expect(r.body.entities).toEqual([
          { identifier: 'svc-a', index: 1, created: true },
          { identifier: 'svc-c', index: 2, created: true },
        ]);
      });

      it('a repeated identifier updates the earlier item; the later result has created: false', async () => {
        const r = await bulk([
          { identifier: 'svc-a', title: 'first', properties: { language: 'go' } },
          { identifier: 'svc-a', title: 'second' },
        ], 'upsert=true&merge=true');
        expect(r.status).toBe(200);
        expect(r.body.entities).toEqual([
          { identifier: 'svc-a', index: 0, created: true },
          { identifier: 'svc-a', index: 1, created: false },
        ]);
        const e = (await t.call('GET', '/v1/blueprints/service/entities/svc-a')).body.entity;
        expect(e).toMatchObject({ title: 'second', properties: { language: 'go' } });
      });

      it('reports an unmatched search identifier as identifier "unknown", 404 not_found', async () => {
        await upsert('service', { identifier: 'svc-a', properties: { language: 'go' } });
        await upsert('service', { identifier: 'svc-b', properties: { language: 'go' } });
        const q = (language: string) => ({ combinator: 'and', rules: [{ property: 'language', operator: '=', value: language }] });
        const r = await bulk([{ identifier: q('ts'), title: 'x' }, { identifier: q('go'), title: 'x' }, { identifier: 'svc-c' }]);
        expect(r.status).toBe(207);
        expect(r.body.errors).toMatchObject([
          { identifier: 'unknown', index: 0, statusCode: 404, error: 'not_found' },
          { identifier: 'unknown', index: 1, statusCode: 422 },
        ]);
        expect(r.body.entities).toEqual([{ identifier: 'svc-c', index: 2, created: true }]);
      });

      it('reports the resolved identifier for a matched search identifier', async () => {
        await upsert('service', { identifier: 'svc-a', properties: { language: 'go' } });
        const r = await bulk([{ identifier: { combinator: 'and', rules: [{ property: '$identifier', operator: 'in', value: ['svc-a'] }] }, title: 'T' }]);
        expect(r.body).toMatchObject({ entities: [{ identifier: 'svc-a', index: 0, created: false }], errors: [] });
      });

      it('a partial fault fails the listed indexes with 207 and writes the others', async () => {
        const f = await t.admin('POST', '/faults', {
          match: { method: 'POST', path: '/v1/blueprints/*/entities/bulk' },
          action: { type: 'partial', indexes: [1, 2], statusCode: 500, error: 'internal_error' },
        });
        expect(f.status).toBeLessThan(300);
        const r = await bulk([{ identifier: 'svc-a' }, { identifier: 'svc-b' }, { identifier: 'svc-c' }, { identifier: 'svc-d' }]);
        expect(r.status).toBe(207);
        expect(r.body.entities).toEqual([
          { identifier: 'svc-a', index: 0, created: true },
          { identifier: 'svc-d', index: 3, created: true },
        ]);
        expect(r.body.errors).toMatchObject([
          { identifier: 'svc-b', index: 1, statusCode: 500, error: 'internal_error' },
          { identifier: 'svc-c', index: 2, statusCode: 500, error: 'internal_error' },
        ]);
        expect(await ids('service')).toEqual(['svc-a', 'svc-d']);
        // `times` defaults to 1: the next call is clean
        expect((await bulk([{ identifier: 'svc-b' }, { identifier: 'svc-c' }])).status).toBe(200);
      });

      it('a failed item leaves no stub behind, while an earlier item keeps its stub', async () => {
        await t.call('PATCH', '/v1/blueprints/service', { schema: { ...SERVICE_BLUEPRINT.schema, required: ['language'] } });
        const r = await bulk(
          [
            { identifier: 'svc-a', properties: { language: 'go' }, relations: { owner: 'team-ok' } },
            { identifier: 'svc-b', relations: { owner: 'team-never' } },
            { identifier: 'svc-c', properties: { language: 'go' }, relations: { deps: ['svc-stub'], owner: 'team-ok' } },
          ],
          'upsert=true&create_missing_related_entities=true',
        );
        expect(r.status).toBe(207);
        expect(r.body.errors).toMatchObject([{ identifier: 'svc-b', index: 1, statusCode: 422, error: 'blueprint_schema_mismatch' }]);
        expect(await ids('team')).toEqual(['team-ok']);
        expect(await ids('service')).toEqual(['svc-a', 'svc-stub', 'svc-c']);
      });

      it('validation_only=true writes nothing for any item', async () => {
        const r = await bulk([{ identifier: 'svc-a', relations: { owner: 'new' } }, { identifier: 'svc-b' }], 'upsert=true&validation_only=true&create_missing_related_entities=true');
        expect(r.status).toBe(200);
        expect(r.body.entities.map((e: { index: number }) => e.index)).toEqual([0, 1]);
        expect(await stored()).toEqual([]);
      });

      it('keeps the maxBulkUpsert option configurable', async () => {
        const small = await startEmulator({ transport, maxBulkUpsert: 2 });
        try {
          await createBlueprints(small, TEAM_BLUEPRINT);
          const r = await small.call('POST', '/v1/blueprints/team/entities/bulk?upsert=true', { entities: [{ identifier: 'a' }, { identifier: 'b' }, { identifier: 'c' }] });
          expectError(r, 422, 'invalid_request', 'entities');
        } finally {
          await small.close();
        }
      });
    });

    describe('single delete', () => {
      beforeEach(async () => {
        await t.call('PATCH', '/v1/blueprints/service', {
          relations: { ...SERVICE_BLUEPRINT.relations, home: { target: 'team', required: true } },
        });
        await upsert('team', { identifier: 't1' });
        await upsert('team', { identifier: 't2' });
        await upsert('service', { identifier: 'svc-a', relations: { home: 't2', owner: 't1' } });
        await upsert('service', { identifier: 'svc-b', relations: { home: 't1', deps: ['svc-a'] } });
        await upsert('service', { identifier: 'svc-c', relations: { home: 't2', deps: ['svc-a', 'svc-b'], owner: 't2' } });
      });
      const del = (bp: string, id: string, query: string) => t.call('DELETE', `/v1/blueprints/${bp}/entities/${seg(id)}${query}`);

      it('requires delete_dependents (422) as a boolean', async () => {
        expectError(await del('team', 't1', ''), 422, 'invalid_request', 'delete_dependents');
        expectError(await del('team', 't1', '?delete_dependents=1'), 422, 'invalid_request', 'delete_dependents');
        expect(await ids('team')).toEqual(['t1', 't2']);
      });

      it('answers 404 for a missing entity or blueprint', async () => {
        expectError(await del('team', 'ghost', '?delete_dependents=true'), 404, 'not_found', 'ghost');
        expectError(await del('ghost', 'x', '?delete_dependents=true'), 404, 'not_found', 'ghost');
      });

      it('delete_dependents=false answers 403 has_dependents on a required relation and deletes nothing', async () => {
        const r = await del('team', 't1', '?delete_dependents=false');
        expectError(r, 403, 'has_dependents', 'svc-b', 'home');
        expect(await ids('team')).toEqual(['t1', 't2']);
        expect(await ids('service')).toEqual(['svc-a', 'svc-b', 'svc-c']);
        const a = (await t.call('GET', '/v1/blueprints/service/entities/svc-a')).body.entity;
        expect(a.relations.owner).toBe('t1');
      });

      it('delete_dependents=false clears optional references: single → null, id dropped from many', async () => {
        const r = await del('service', 'svc-a', '?delete_dependents=false&run_id=run-1');
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ ok: true });
        const b = (await t.call('GET', '/v1/blueprints/service/entities/svc-b')).body.entity;
        const c = (await t.call('GET', '/v1/blueprints/service/entities/svc-c')).body.entity;
        expect(b.relations).toEqual({ owner: null, deps: [], home: 't1' });
        expect(c.relations).toEqual({ owner: 't2', deps: ['svc-b'], home: 't2' });
        expect(await ids('service')).toEqual(['svc-b', 'svc-c']);
      });

      it('delete_dependents=true deletes every entity relating to it, transitively', async () => {
        // t1 ← svc-a (owner), svc-b (home); svc-a ← svc-c (deps); svc-b ← svc-c (deps)
        const r = await del('team', 't1', '?delete_dependents=true');
        expect(r.status).toBe(200);
        expect(await ids('team')).toEqual(['t2']);
        expect(await ids('service')).toEqual([]);
      });
    });

    describe('bulk delete', () => {
      beforeEach(async () => {
        await t.call('PATCH', '/v1/blueprints/service', {
          relations: { ...SERVICE_BLUEPRINT.relations, home: { target: 'team', required: true } },
        });
        for (const id of ['t1', 't2', 't3']) await upsert('team', { identifier: id });
        await upsert('service', { identifier: 'svc-a', relations: { home: 't1' } });
        await upsert('service', { identifier: 'svc-b', relations: { home: 't3', owner: 't2' } });
      });
      const bulkDelete = (method: 'POST' | 'DELETE', body: unknown, query = '?delete_dependents=false') =>
        t.call(method, `/v1/blueprints/team/bulk/entities${method === 'POST' ? '/delete' : ''}${query}`, body);

      for (const method of ['POST', 'DELETE'] as const) {
        describe(method, () => {
          it('deletes the listed entities and skips unknown ids', async () => {
            const r = await bulkDelete(method, { entities: ['t2', 'ghost', 't2'] }, '?delete_dependents=false&run_id=r1&ocean_info_x=1');
            expect(r.status).toBe(200);
            expect(r.body).toEqual({ ok: true, deletedEntities: ['t2'] });
            expect(await ids('team')).toEqual(['t1', 't3']);
            // the optional owner reference was cleared
            expect((await t.call('GET', '/v1/blueprints/service/entities/svc-b')).body.entity.relations.owner).toBeNull();
          });

          it('is all or nothing: one entity with dependents refuses the whole call with 403', async () => {
            expectError(await bulkDelete(method, { entities: ['t2', 't1'] }), 403, 'has_dependents', 'svc-a');
            expect(await ids('team')).toEqual(['t1', 't2', 't3']);
          });

          it('with delete_dependents=true cascades; cascaded dependents are not listed', async () => {
            const r = await bulkDelete(method, { entities: ['t1', 't2'] }, '?delete_dependents=true');
            expect(r.body).toEqual({ ok: true, deletedEntities: ['t1', 't2'] });
            expect(await ids('service')).toEqual([]);
            expect(await ids('team')).toEqual(['t3']);
          });

          it('accepts 100 ids and refuses 0 or 101, and a missing delete_dependents', async () => {
            const many = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`);
            expect((await bulkDelete(method, { entities: many(100) })).status).toBe(200);
            expectError(await bulkDelete(method, { entities: many(101) }), 422, 'invalid_request', 'entities');
            expectError(await bulkDelete(method, { entities: [] }), 422, 'invalid_request', 'entities');
            expectError(await bulkDelete(method, { entities: ['t2'] }, ''), 422, 'invalid_request', 'delete_dependents');
            expectError(await bulkDelete(method, { entities: [1] }), 422, 'invalid_request', 'entities');
            expect(await ids('team')).toEqual(['t1', 't2', 't3']);
          });

          it('answers 404 for a missing blueprint and 401 without a token', async () => {
            const path = `/v1/blueprints/ghost/bulk/entities${method === 'POST' ? '/delete' : ''}?delete_dependents=true`;
            expectError(await t.call(method, path, { entities: ['a'] }), 404, 'not_found', 'ghost');
            expectError(await t.call(method, path, { entities: ['a'] }, { token: false }), 401, 'unauthorized');
          });
        });
      }
    });
  });
}
