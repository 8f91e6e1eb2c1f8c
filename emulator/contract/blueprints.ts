import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_BLUEPRINT, TEAM_BLUEPRINT, createBlueprints, expectError, startEmulator, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract tests for the blueprint and migration routes (docs/port-api.md §8), over both transports. */

/** Blueprint routes, run by emulator/contract.test.ts over each transport. */
export function blueprintRoutes(transport: Transport): void {
  describe('blueprint routes', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
    });
    afterEach(async () => {
      await t.close();
    });

    it('answers 401 without a token', async () => {
      expectError(await t.call('GET', '/v1/blueprints', undefined, { token: false }), 401, 'unauthorized');
      expectError(await t.call('POST', '/v1/blueprints', TEAM_BLUEPRINT, { token: false }), 401, 'unauthorized');
      expectError(await t.call('GET', '/v1/blueprints', undefined, { token: 'not-a-token' }), 401, 'unauthorized');
    });

    it('creates a blueprint (201) with defaults and server stamps, then lists and reads it', async () => {
      const created = await t.call('POST', '/v1/blueprints', TEAM_BLUEPRINT);
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(created.body.ok).toBe(true);
      const bp = created.body.blueprint;
      expect(bp).toMatchObject({
        identifier: 'team',
        title: 'Team',
        schema: TEAM_BLUEPRINT.schema,
        relations: {},
        mirrorProperties: {},
        calculationProperties: {},
        aggregationProperties: {},
        createdBy: 'test-client',
        updatedBy: 'test-client',
      });
      expect(bp.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(bp.updatedAt).toBe(bp.createdAt);

      const list = await t.call('GET', '/v1/blueprints');
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ ok: true, blueprints: [bp] });

      const one = await t.call('GET', '/v1/blueprints/team');
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ ok: true, blueprint: bp });
    });

    it('accepts create_catalog_page and rejects a non-boolean value', async () => {
      expect((await t.call('POST', '/v1/blueprints?create_catalog_page=false', TEAM_BLUEPRINT)).status).toBe(201);
      expectError(
        await t.call('POST', '/v1/blueprints?create_catalog_page=yes', { ...TEAM_BLUEPRINT, identifier: 'other' }),
        422, 'invalid_request', 'create_catalog_page',
      );
    });

    it('answers 409 identifier_taken for a duplicate blueprint', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT);
      expectError(await t.call('POST', '/v1/blueprints', TEAM_BLUEPRINT), 409, 'identifier_taken', 'team');
    });

    it('answers 404 for a blueprint that does not exist', async () => {
      expectError(await t.call('GET', '/v1/blueprints/missing'), 404, 'not_found', 'missing');
      expectError(await t.call('PUT', '/v1/blueprints/missing', { title: 'X', schema: { properties: {} } }), 404, 'not_found', 'missing');
      expectError(await t.call('PATCH', '/v1/blueprints/missing', { title: 'X' }), 404, 'not_found', 'missing');
      expectError(await t.call('DELETE', '/v1/blueprints/missing'), 404, 'not_found', 'missing');
      expectError(await t.call('DELETE', '/v1/blueprints/missing/all-entities'), 404, 'not_found', 'missing');
    });

    it('answers 404 for a relation to a blueprint that does not exist, and creates nothing', async () => {
      const r = await t.call('POST', '/v1/blueprints', SERVICE_BLUEPRINT);
      expectError(r, 404, 'not_found', 'relations.owner.target', 'team');
      expectError(await t.call('GET', '/v1/blueprints/service'), 404, 'not_found');
      await createBlueprints(t, TEAM_BLUEPRINT);
      expect((await t.call('POST', '/v1/blueprints', SERVICE_BLUEPRINT)).status).toBe(201);
    });

    it('allows a relation to the blueprint itself', async () => {
      const r = await t.call('POST', '/v1/blueprints', {
        identifier: 'node', title: 'Node', schema: { properties: {} }, relations: { parent: { target: 'node' } },
      });
      expect(r.status).toBe(201);
      expect(r.body.blueprint.relations.parent).toMatchObject({ target: 'node', required: false, many: false });
    });

    it.each([
      ['a missing identifier', { title: 'T', schema: { properties: {} } }, 'identifier'],
      ['a missing title', { identifier: 'x', schema: { properties: {} } }, 'title'],
      ['an identifier with "="', { identifier: 'a=b', title: 'T', schema: { properties: {} } }, 'identifier'],
      ['an identifier "."', { identifier: '.', title: 'T', schema: { properties: {} } }, 'identifier'],
      ['an identifier over 100 characters', { identifier: 'b'.repeat(101), title: 'T', schema: { properties: {} } }, 'identifier'],
      ['an unknown property type', { identifier: 'x', title: 'T', schema: { properties: { p: { type: 'date' } } } }, 'schema.properties.p.type'],
      ['a required id not in properties', { identifier: 'x', title: 'T', schema: { properties: {}, required: ['nope'] } }, 'nope'],
      ['an unknown top-level key', { identifier: 'x', title: 'T', bogus: 1 }, 'bogus'],
      ['a relation without a target', { identifier: 'x', title: 'T', relations: { r: { many: true } } }, 'relations.r.target'],
    ])('answers 422 invalid_request for %s', async (_name, body, field) => {
      expectError(await t.call('POST', '/v1/blueprints', body), 422, 'invalid_request', field);
    });

    it('answers 400 bad_request for malformed JSON', async () => {
      expectError(await t.call('POST', '/v1/blueprints', undefined, { raw: '{"identifier": "x",' }), 400, 'bad_request');
    });

    it('PUT replaces the blueprint: absent keys reset, createdAt kept, updatedAt moves', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
      const before = (await t.call('GET', '/v1/blueprints/service')).body.blueprint;
      const r = await t.call('PUT', '/v1/blueprints/service', { title: 'Svc', schema: { properties: { a: { type: 'string' } } } });
      expect(r.status).toBe(200);
      expect(r.body.blueprint).toMatchObject({
        identifier: 'service', title: 'Svc', relations: {}, schema: { properties: { a: { type: 'string' } }, required: [] },
        createdAt: before.createdAt,
      });
      expect(r.body.blueprint.icon ?? null).toBeNull();
      expect(r.body.blueprint.updatedAt > before.updatedAt).toBe(true);
      expect((await t.call('GET', '/v1/blueprints/service')).body.blueprint).toEqual(r.body.blueprint);
    });

    it('PUT needs title and schema, and the body identifier must match the path', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT);
      expectError(await t.call('PUT', '/v1/blueprints/team', { schema: { properties: {} } }), 422, 'invalid_request', 'title');
      expectError(await t.call('PUT', '/v1/blueprints/team', { title: 'T' }), 422, 'invalid_request', 'schema');
      expectError(
        await t.call('PUT', '/v1/blueprints/team', { identifier: 'other', title: 'T', schema: { properties: {} } }),
        422, 'invalid_request', 'identifier',
      );
    });

    it('PATCH replaces only the keys given (Tide adds relations after creating the blueprint)', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT, { ...SERVICE_BLUEPRINT, relations: undefined });
      const r = await t.call('PATCH', '/v1/blueprints/service', { relations: { owner: { target: 'team', required: true } } });
      expect(r.status).toBe(200);
      expect(r.body.blueprint).toMatchObject({
        title: 'Service', icon: 'Service', schema: { properties: SERVICE_BLUEPRINT.schema.properties },
        relations: { owner: { target: 'team', required: true, many: false } },
      });
      expectError(
        await t.call('PATCH', '/v1/blueprints/service', { relations: { x: { target: 'ghost' } } }),
        404, 'not_found', 'relations.x.target', 'ghost',
      );
      expectError(await t.call('PATCH', '/v1/blueprints/service', { title: 5 }), 422, 'invalid_request', 'title');
    });

    it('DELETE removes an unused blueprint', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT);
      const r = await t.call('DELETE', '/v1/blueprints/team?delete_actions=true');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ ok: true });
      expectError(await t.call('GET', '/v1/blueprints/team'), 404, 'not_found');
    });

    it('DELETE is refused with 422 while entities exist', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT);
      expect((await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' })).status).toBe(201);
      expectError(await t.call('DELETE', '/v1/blueprints/team'), 422, 'invalid_request', 'team');
      expect((await t.call('GET', '/v1/blueprints/team')).status).toBe(200);
    });

    it("DELETE is refused with 422 while another blueprint's relation targets it", async () => {
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
      expectError(await t.call('DELETE', '/v1/blueprints/team'), 422, 'invalid_request', 'service');
      expect((await t.call('GET', '/v1/blueprints/team')).status).toBe(200);
      // A relation to itself does not block its own delete.
      expect((await t.call('DELETE', '/v1/blueprints/service')).status).toBe(200);
      expect((await t.call('DELETE', '/v1/blueprints/team')).status).toBe(200);
    });

    it('DELETE …/all-entities deletes every entity, cascading, and records a COMPLETED migration', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
      await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' });
      await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't2' });
      await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 's1', relations: { owner: 't1' } });
      await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 's2' });

      const r = await t.call('DELETE', '/v1/blueprints/team/all-entities?run_id=r1');
      expect(r.status).toBe(200);
      expect(r.body.ok).toBe(true);
      expect(typeof r.body.migrationId).toBe('string');

      expect((await t.call('GET', '/v1/blueprints/team/entities')).body.entities).toEqual([]);
      // s1 related to a deleted team, so it went too (delete_dependents=true semantics); s2 stays.
      const services = (await t.call('GET', '/v1/blueprints/service/entities')).body.entities;
      expect(services.map((e: { identifier: string }) => e.identifier)).toEqual(['s2']);
      expect((await t.call('GET', '/v1/blueprints/team')).status).toBe(200);

      const m = await t.call('GET', `/v1/migrations/${encodeURIComponent(r.body.migrationId)}`);
      expect(m.status).toBe(200);
      expect(m.body).toEqual({ ok: true, migration: { id: r.body.migrationId, status: 'COMPLETED', sourceBlueprint: 'team' } });
    });

    it('DELETE …/all-entities?delete_blueprint=true also deletes the blueprint', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT);
      await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' });
      const r = await t.call('DELETE', '/v1/blueprints/team/all-entities?delete_blueprint=true');
      expect(r.status).toBe(200);
      expectError(await t.call('GET', '/v1/blueprints/team'), 404, 'not_found');
      expectError(await t.call('DELETE', '/v1/blueprints/team/all-entities?delete_blueprint=maybe'), 422, 'invalid_request', 'delete_blueprint');
    });

    it('DELETE …/all-entities?delete_blueprint=true is refused while a relation targets it, and deletes nothing', async () => {
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
      await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' });
      expectError(await t.call('DELETE', '/v1/blueprints/team/all-entities?delete_blueprint=true'), 422, 'invalid_request', 'service');
      expect((await t.call('GET', '/v1/blueprints/team/entities/t1')).status).toBe(200);
    });

    it('GET /v1/migrations/{id} answers 404 for an unknown migration', async () => {
      expectError(await t.call('GET', '/v1/migrations/nope'), 404, 'not_found', 'nope');
    });

    it('serves blueprint identifiers with "/", ":", "+" and "@" percent-encoded in the path', async () => {
      const id = 'team/a:b+c@d';
      await createBlueprints(t, { ...TEAM_BLUEPRINT, identifier: id });
      const r = await t.call('GET', `/v1/blueprints/${encodeURIComponent(id)}`);
      expect(r.status).toBe(200);
      expect(r.body.blueprint.identifier).toBe(id);
      expect((await t.call('GET', '/v1/blueprints/team')).status).toBe(404);
    });

    it('stamps updatedAt strictly increasing across back-to-back blueprint writes, createdAt unchanged', async () => {
      const created = (await t.call('POST', '/v1/blueprints', TEAM_BLUEPRINT)).body.blueprint;
      let last: string = created.updatedAt;
      for (let i = 0; i < 5; i++) {
        const r = await t.call('PATCH', '/v1/blueprints/team', { description: `d${i}` });
        expect(r.body.blueprint.updatedAt > last).toBe(true);
        expect(r.body.blueprint.createdAt).toBe(created.createdAt);
        last = r.body.blueprint.updatedAt;
      }
    });
  });
}
