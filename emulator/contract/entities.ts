import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_BLUEPRINT, TEAM_BLUEPRINT, createBlueprints, expectError, seg, startEmulator, type TestEmulator, type Transport } from '../test-helpers.ts';

/**
 * Contract tests for single-entity writes and reads (docs/port-api.md §4, §5, §9.1–§9.6, §9.8), over both
 * transports. Bulk upserts and deletes are in contract-entities-bulk.test.ts.
 */
const UA = 'port-ocean/jira/0.3.1/my-jira/exporter';
const UA_OTHER = 'port-ocean/jira/0.4.0/other-jira/exporter';
const ENTITIES = '/v1/blueprints/service/entities';

/** Entity routes, run by emulator/contract.test.ts over each transport. */
export function entityRoutes(transport: Transport): void {
  describe('entity routes', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    });
    afterEach(async () => {
      await t.close();
    });

    const upsert = (body: unknown, query = 'upsert=true', headers: Record<string, string> = { 'user-agent': UA }) =>
      t.call('POST', `${ENTITIES}?${query}`, body, { headers });
    const get = (id: string, bp = 'service') => t.call('GET', `/v1/blueprints/${seg(bp)}/entities/${seg(id)}`);
    /** Stored rows, hidden `datasource` included (§13.1). */
    const stored = async (bp?: string) =>
      (await t.admin('GET', `/entities${bp ? `?blueprint=${encodeURIComponent(bp)}` : ''}`)).body.entities as Array<Record<string, unknown>>;

    describe('single upsert', () => {
      it('creates with 201, then updates with 200, in the canonical form', async () => {
        const created = await upsert({ identifier: 'svc-a', properties: { language: 'go' }, relations: { owner: null } });
        expect(created.status).toBe(201);
        const e = created.body.entity;
        expect(created.body.ok).toBe(true);
        expect(e).toEqual({
          identifier: 'svc-a',
          blueprint: 'service',
          title: null,
          icon: null,
          team: [],
          properties: { language: 'go', url: null, tags: null, replicas: null, config: null },
          relations: { owner: null, deps: [] },
          createdAt: e.createdAt,
          updatedAt: e.createdAt,
          createdBy: 'test-client',
          updatedBy: 'test-client',
        });
        expect(e).not.toHaveProperty('$datasource');
        expect(e).not.toHaveProperty('datasource');

        const updated = await upsert({ identifier: 'svc-a', title: 'A' });
        expect(updated.status).toBe(200);
        expect(updated.body.entity.title).toBe('A');
        expect(updated.body.entity.createdAt).toBe(e.createdAt);
        expect(updated.body.entity.updatedAt > e.updatedAt).toBe(true);
        expect((await get('svc-a')).body).toEqual({ ok: true, entity: updated.body.entity });
      });

      it('requires the upsert query param and boolean values', async () => {
        expectError(await upsert({ identifier: 'x' }, ''), 422, 'invalid_request', 'upsert');
        expectError(await upsert({ identifier: 'x' }, 'upsert=yes'), 422, 'invalid_request', 'upsert');
        expectError(await upsert({ identifier: 'x' }, 'upsert=true&merge=1'), 422, 'invalid_request', 'merge');
        expect(await stored('service')).toEqual([]);
      });

      it('answers 409 identifier_taken with upsert=false on an existing identifier', async () => {
        expect((await upsert({ identifier: 'svc-a' }, 'upsert=false')).status).toBe(201);
        expectError(await upsert({ identifier: 'svc-a', title: 'changed' }, 'upsert=false'), 409, 'identifier_taken', 'svc-a');
        expect((await get('svc-a')).body.entity.title).toBeNull();
      });

      it('answers 404 for a missing path blueprint', async () => {
        expectError(
          await t.call('POST', '/v1/blueprints/ghost/entities?upsert=true', { identifier: 'x' }),
          404, 'not_found', 'ghost',
        );
      });

      it('answers 401 without a token and 400 for malformed JSON', async () => {
        expectError(await t.call('POST', `${ENTITIES}?upsert=true`, { identifier: 'x' }, { token: false }), 401, 'unauthorized');
        expectError(await t.call('POST', `${ENTITIES}?upsert=true`, undefined, { raw: '{"identifier":' }), 400, 'bad_request');
        expect(await stored()).toEqual([]);
      });

      it('merge=true updates only the fields given; properties and relations merge by key', async () => {
        await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' });
        await upsert({
          identifier: 'svc-a', title: 'A', icon: 'Go', team: ['platform'],
          properties: { language: 'go', tags: ['x', 'y'], config: { a: 1, b: 2 }, replicas: 3 },
          relations: { owner: 't1', deps: ['svc-a'] },
        });
        const r = await upsert(
          { identifier: 'svc-a', properties: { tags: ['z'], config: { c: 3 }, replicas: null }, relations: { deps: [] } },
          'upsert=true&merge=true',
        );
        expect(r.status).toBe(200);
        expect(r.body.entity).toMatchObject({
          title: 'A', icon: 'Go', team: ['platform'],
          // arrays and objects are replaced whole, null clears, absent keys are kept
          properties: { language: 'go', tags: ['z'], config: { c: 3 }, replicas: null, url: null },
          relations: { owner: 't1', deps: [] },
        });
        const title = await upsert({ identifier: 'svc-a', title: null, team: 'solo' }, 'upsert=true&merge=true');
        expect(title.body.entity).toMatchObject({ title: null, icon: 'Go', team: ['solo'], properties: { language: 'go' } });
      });

      it('merge=false replaces the whole entity; absent keys become unset', async () => {
        await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' });
        const first = await upsert({
          identifier: 'svc-a', title: 'A', icon: 'Go', team: ['platform'],
          properties: { language: 'go', replicas: 3 }, relations: { owner: 't1', deps: ['svc-a'] },
        });
        const r = await upsert({ identifier: 'svc-a', properties: { replicas: 4 } }, 'upsert=true&merge=false');
        expect(r.status).toBe(200);
        expect(r.body.entity).toMatchObject({
          identifier: 'svc-a', title: null, icon: null, team: [],
          properties: { language: null, replicas: 4 },
          relations: { owner: null, deps: [] },
          createdAt: first.body.entity.createdAt,
          createdBy: 'test-client',
        });
        // merge is ignored without upsert=true: upsert=false still conflicts
        expectError(await upsert({ identifier: 'svc-a' }, 'upsert=false&merge=true'), 409, 'identifier_taken');
      });

      it('bumps updatedAt and $datasource on every accepted write, even with no value change; last writer owns', async () => {
        const a = await upsert({ identifier: 'svc-a', properties: { language: 'go' } });
        await t.admin('POST', '/clock', { advanceSeconds: 1 });
        const b = await upsert({ identifier: 'svc-a', properties: { language: 'go' } }, 'upsert=true&merge=true', { 'user-agent': UA_OTHER });
        expect(b.body.entity.updatedAt > a.body.entity.updatedAt).toBe(true);
        const [row] = await stored('service');
        expect(row).toMatchObject({ identifier: 'svc-a', datasource: UA_OTHER, updatedAt: b.body.entity.updatedAt });
      });

      it('stores the User-Agent as the hidden $datasource, never shown in public JSON', async () => {
        const r = await upsert({ identifier: 'svc-a' });
        expect(JSON.stringify(r.body)).not.toContain(UA);
        expect(JSON.stringify((await get('svc-a')).body)).not.toContain(UA);
        expect(JSON.stringify((await t.call('GET', ENTITIES)).body)).not.toContain(UA);
        const rows = await stored('service');
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ identifier: 'svc-a', blueprint: 'service', datasource: UA });
        const filtered = await t.admin('GET', `/entities?datasource=${encodeURIComponent(UA)}`);
        expect(filtered.body.entities.map((e: { identifier: string }) => e.identifier)).toEqual(['svc-a']);
      });

      it('validation_only=true runs the checks and writes nothing (no entity, no stub)', async () => {
        const r = await upsert(
          { identifier: 'svc-a', properties: { language: 'go' }, relations: { owner: 'new-team' } },
          'upsert=true&validation_only=true&create_missing_related_entities=true',
        );
        expect(r.status).toBeLessThan(300);
        expect(r.body.entity).toMatchObject({ identifier: 'svc-a', properties: { language: 'go' }, relations: { owner: 'new-team' } });
        expect(await stored()).toEqual([]);
        expectError(
          await upsert({ identifier: 'svc-a', properties: { language: 'rust' } }, 'upsert=true&validation_only=true'),
          422, 'blueprint_schema_mismatch', 'properties.language',
        );
        // On an existing entity, validation_only changes nothing either.
        await upsert({ identifier: 'svc-b', title: 'B' });
        const before = await stored('service');
        expect((await upsert({ identifier: 'svc-b', title: 'C' }, 'upsert=true&validation_only=true')).body.entity.title).toBe('C');
        expect(await stored('service')).toEqual(before);
      });

      it('create_missing_related_entities=true creates stubs owned by the request User-Agent', async () => {
        const r = await upsert(
          { identifier: 'svc-a', relations: { owner: 'new-team', deps: ['svc-x', 'svc-y'] } },
          'upsert=true&create_missing_related_entities=true',
        );
        expect(r.status).toBe(201);
        const stub = await get('new-team', 'team');
        expect(stub.status).toBe(200);
        expect(stub.body.entity).toMatchObject({
          identifier: 'new-team', blueprint: 'team', title: null, icon: null, team: [], properties: { size: null }, relations: {},
        });
        expect((await get('svc-x')).status).toBe(200);
        const rows = await stored();
        expect(rows.map((e) => [e.blueprint, e.identifier, e.datasource]).sort()).toEqual([
          ['service', 'svc-a', UA], ['service', 'svc-x', UA], ['service', 'svc-y', UA], ['team', 'new-team', UA],
        ]);
      });

      it('without create_missing_related_entities a missing target is 404 not_found naming relation, blueprint and id', async () => {
        expectError(
          await upsert({ identifier: 'svc-a', relations: { owner: 'ghost-team' } }),
          404, 'not_found', 'relations.owner', 'team', 'ghost-team',
        );
        expectError(
          await upsert({ identifier: 'svc-a', relations: { deps: ['ghost-svc'] } }, 'upsert=true&create_missing_related_entities=false'),
          404, 'not_found', 'relations.deps', 'service', 'ghost-svc',
        );
        expect(await stored()).toEqual([]);
      });

      it('never creates stubs in the protected _team and _user blueprints', async () => {
        await createBlueprints(t, { identifier: '_team', title: 'Team', schema: { properties: {} } });
        await t.call('PATCH', '/v1/blueprints/service', {
          relations: { ...SERVICE_BLUEPRINT.relations, squad: { target: '_team', required: false, many: false } },
        });
        expectError(
          await upsert({ identifier: 'svc-a', relations: { squad: 'ghost-squad' } }, 'upsert=true&create_missing_related_entities=true'),
          404, 'not_found', 'relations.squad', '_team', 'ghost-squad',
        );
        expect(await stored()).toEqual([]);
      });

      it('a failing write leaves no stub behind (one transaction per request)', async () => {
        await t.call('PATCH', '/v1/blueprints/service', { schema: { ...SERVICE_BLUEPRINT.schema, required: ['language'] } });
        expectError(
          await upsert({ identifier: 'svc-a', relations: { owner: 'would-be-stub' } }, 'upsert=true&create_missing_related_entities=true'),
          422, 'blueprint_schema_mismatch', 'properties.language',
        );
        expect(await stored()).toEqual([]);
        expectError(await get('would-be-stub', 'team'), 404, 'not_found');
      });

      it('a write with one present and one missing target writes nothing', async () => {
        await upsert({ identifier: 'svc-b' });
        expectError(
          await upsert({ identifier: 'svc-a', relations: { deps: ['svc-b', 'ghost'] } }),
          404, 'not_found', 'ghost',
        );
        expect((await stored('service')).map((e) => e.identifier)).toEqual(['svc-b']);
      });

      it('drops property keys the blueprint does not declare', async () => {
        const r = await upsert({ identifier: 'svc-a', properties: { language: 'ts', undeclared: 'x' } });
        expect(r.status).toBe(201);
        expect(r.body.entity.properties).not.toHaveProperty('undeclared');
        const [row] = await stored('service');
        expect(row.properties).toEqual({ language: 'ts' });
      });

      it.each([
        ['a value of the wrong type', { identifier: 'svc-a', properties: { replicas: 'three' } }, 'blueprint_schema_mismatch', 'properties.replicas'],
        ['a value outside the enum', { identifier: 'svc-a', properties: { language: 'rust' } }, 'blueprint_schema_mismatch', 'properties.language'],
        ['a bad url format', { identifier: 'svc-a', properties: { url: 'ftp://x' } }, 'blueprint_schema_mismatch', 'properties.url'],
        ['a bad array item', { identifier: 'svc-a', properties: { tags: ['ok', 1] } }, 'blueprint_schema_mismatch', 'properties.tags[1]'],
        ['an undeclared relation', { identifier: 'svc-a', relations: { nope: 'x' } }, 'blueprint_schema_mismatch', 'relations.nope'],
        ['an array on a single relation', { identifier: 'svc-a', relations: { owner: ['a', 'b'] } }, 'relation_many_violation', 'relations.owner'],
        ['a blueprint other than the path', { identifier: 'svc-a', blueprint: 'team' }, 'invalid_request', 'blueprint'],
        ['a missing identifier', { title: 'x' }, 'invalid_request', 'identifier'],
        ['a non-string title', { identifier: 'svc-a', title: 5 }, 'invalid_request', 'title'],
      ])('answers 422 for %s', async (_name, body, code, field) => {
        expectError(await upsert(body), 422, code, field);
        expect(await stored()).toEqual([]);
      });

      it('answers 422 required_relation when a required relation is missing', async () => {
        await t.call('PATCH', '/v1/blueprints/service', {
          relations: { ...SERVICE_BLUEPRINT.relations, owner: { target: 'team', required: true } },
        });
        expectError(await upsert({ identifier: 'svc-a' }), 422, 'required_relation', 'relations.owner');
        expectError(await upsert({ identifier: 'svc-a', relations: { owner: null } }), 422, 'required_relation', 'relations.owner');
      });

      it('checks required properties on the merged result', async () => {
        await upsert({ identifier: 'svc-a', properties: { language: 'go' } });
        await t.call('PATCH', '/v1/blueprints/service', { schema: { ...SERVICE_BLUEPRINT.schema, required: ['language'] } });
        // merge keeps the stored language, so the required check passes
        expect((await upsert({ identifier: 'svc-a', title: 'A' }, 'upsert=true&merge=true')).status).toBe(200);
        // replace drops it
        expectError(await upsert({ identifier: 'svc-a', title: 'A' }, 'upsert=true&merge=false'), 422, 'blueprint_schema_mismatch', 'properties.language');
        expectError(
          await upsert({ identifier: 'svc-a', properties: { language: null } }, 'upsert=true&merge=true'),
          422, 'blueprint_schema_mismatch', 'properties.language',
        );
      });

      it('wraps a bare string on a many relation into an array', async () => {
        await upsert({ identifier: 'svc-b' });
        const r = await upsert({ identifier: 'svc-a', relations: { deps: 'svc-b' } });
        expect(r.body.entity.relations.deps).toEqual(['svc-b']);
      });
    });

    describe('strictProperties', () => {
      it('rejects undeclared property keys with 422 blueprint_schema_mismatch naming them', async () => {
        const strict = await startEmulator({ transport, strictProperties: true });
        try {
          await createBlueprints(strict, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
          const r = await strict.call('POST', `${ENTITIES}?upsert=true`, { identifier: 'svc-a', properties: { undeclared: 1 } });
          expectError(r, 422, 'blueprint_schema_mismatch', 'properties.undeclared');
          expect((await strict.admin('GET', '/entities')).body.entities).toEqual([]);
        } finally {
          await strict.close();
        }
      });
    });

    describe('identifiers', () => {
      it.each(['a/b', 'ns:svc', 'a+b', 'k=v', 'user@example.com', 'x/y:z+w=v@u', 'ünïcødé-名前', 'a\\b', 'a.b', '..a'])(
        'serves %s percent-encoded in the path (GET, PUT, PATCH, DELETE)',
        async (id) => {
          expect((await upsert({ identifier: id, title: 'one' })).status).toBe(201);
          const r = await get(id);
          expect(r.status).toBe(200);
          expect(r.body.entity.identifier).toBe(id);

          const put = await t.call('PUT', `${ENTITIES}/${seg(id)}`, { title: 'two' });
          expect(put.status).toBe(200);
          expect(put.body.entity).toMatchObject({ identifier: id, title: 'two' });
          const patch = await t.call('PATCH', `${ENTITIES}/${seg(id)}`, { icon: 'Go' });
          expect(patch.body.entity).toMatchObject({ identifier: id, title: 'two', icon: 'Go' });

          expect((await t.call('DELETE', `${ENTITIES}/${seg(id)}?delete_dependents=false`)).status).toBe(200);
          expectError(await get(id), 404, 'not_found');
        },
      );

      it('never treats %2F as a separator', async () => {
        await upsert({ identifier: 'a' });
        await upsert({ identifier: 'a/b' });
        expect((await t.call('GET', `${ENTITIES}/a%2Fb`)).body.entity.identifier).toBe('a/b');
        // the unencoded form is another path, which has no route
        expectError(await t.call('GET', `${ENTITIES}/a/b`), 404, 'not_found');
      });

      it('keeps a literal "+" as "+", not a space', async () => {
        await upsert({ identifier: 'a+b' });
        expect((await t.call('GET', `${ENTITIES}/a+b`)).body.entity.identifier).toBe('a+b');
        expect((await t.call('GET', `${ENTITIES}/a%2Bb`)).body.entity.identifier).toBe('a+b');
      });

      it.each([
        ['"."', '.'],
        ['".."', '..'],
        ['a space', 'svc a'],
        ['an empty string', ''],
        ['a "#"', 'svc#1'],
        ['a "?"', 'svc?'],
        ['1001 characters', 'x'.repeat(1001)],
      ])('rejects an identifier with %s (422 invalid_request naming identifier)', async (_name, id) => {
        expectError(await upsert({ identifier: id }), 422, 'invalid_request', 'identifier');
        expect(await stored()).toEqual([]);
      });

      it('accepts a 1000-character identifier', async () => {
        expect((await upsert({ identifier: 'x'.repeat(1000) })).status).toBe(201);
      });

      it('rejects an invalid relation target value naming the relation', async () => {
        expectError(await upsert({ identifier: 'svc-a', relations: { owner: 'bad id' } }), 422, 'invalid_request', 'relations.owner');
      });
    });

    describe('search identifiers and search relations', () => {
      const byLanguage = (language: string) => ({ combinator: 'and', rules: [{ property: 'language', operator: '=', value: language }] });

      it('updates the one matching entity and answers with its real identifier', async () => {
        await upsert({ identifier: 'svc-a', properties: { language: 'go' } });
        await upsert({ identifier: 'svc-b', properties: { language: 'ts' } });
        const r = await upsert({ identifier: byLanguage('ts'), title: 'B' }, 'upsert=true&merge=true');
        expect(r.status).toBe(200);
        expect(r.body.entity).toMatchObject({ identifier: 'svc-b', title: 'B', properties: { language: 'ts' } });
      });

      it('writes nothing when the search matches no entity and echoes the search object (200)', async () => {
        const q = byLanguage('go');
        const r = await upsert({ identifier: q, title: 'X' });
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ ok: true, entity: { identifier: q } });
        expect(await stored()).toEqual([]);
      });

      it('answers 422 when the search matches several entities', async () => {
        await upsert({ identifier: 'svc-a', properties: { language: 'go' } });
        await upsert({ identifier: 'svc-b', properties: { language: 'go' } });
        expectError(await upsert({ identifier: byLanguage('go'), title: 'X' }), 422, 'invalid_request', 'identifier');
      });

      it('rejects operators other than = in containsAny contains with 422 unsupported_operator', async () => {
        const q = { combinator: 'and', rules: [{ property: 'language', operator: 'beginsWith', value: 'g' }] };
        expectError(await upsert({ identifier: q }), 422, 'unsupported_operator', 'beginsWith');
      });

      it('resolves a search relation to plain identifiers', async () => {
        await upsert({ identifier: 'svc-b', properties: { language: 'go' } });
        await upsert({ identifier: 'svc-c', properties: { language: 'go' } });
        const r = await upsert({ identifier: 'svc-a', relations: { deps: byLanguage('go') } });
        expect(r.body.entity.relations.deps).toEqual(['svc-b', 'svc-c']);
        const [row] = (await stored('service')).filter((e) => e.identifier === 'svc-a');
        expect(row.relations).toEqual({ deps: ['svc-b', 'svc-c'] });
      });
    });

    describe('read, replace, patch', () => {
      it('lists every entity of the blueprint in canonical form, unpaginated', async () => {
        for (let i = 0; i < 5; i++) await upsert({ identifier: `svc-${i}` });
        await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't1' });
        const r = await t.call('GET', ENTITIES);
        expect(r.status).toBe(200);
        expect(r.body.entities.map((e: { identifier: string }) => e.identifier)).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4']);
        for (const e of r.body.entities) {
          expect(Object.keys(e).sort()).toEqual(
            ['blueprint', 'createdAt', 'createdBy', 'icon', 'identifier', 'properties', 'relations', 'team', 'title', 'updatedAt', 'updatedBy'],
          );
          expect(e.properties).toEqual({ language: null, url: null, tags: null, replicas: null, config: null });
          expect(e.relations).toEqual({ owner: null, deps: [] });
        }
        expectError(await t.call('GET', '/v1/blueprints/ghost/entities'), 404, 'not_found', 'ghost');
      });

      it('applies include/exclude query params to reads', async () => {
        await upsert({ identifier: 'svc-a', title: 'A', properties: { language: 'go', replicas: 2 } });
        const r = await t.call('GET', `${ENTITIES}/svc-a?include=title&include=properties.language`);
        expect(r.body.entity).toEqual({ identifier: 'svc-a', blueprint: 'service', title: 'A', properties: { language: 'go' } });
        const ex = await t.call('GET', `${ENTITIES}?exclude=properties&exclude=relations&exclude=createdBy`);
        expect(ex.body.entities[0]).not.toHaveProperty('properties');
        expect(ex.body.entities[0]).toHaveProperty('title', 'A');
        expectError(await t.call('GET', `${ENTITIES}/svc-a?exclude_calculated_properties=nope`), 422, 'invalid_request', 'exclude_calculated_properties');
      });

      it('answers 404 for a missing entity', async () => {
        expectError(await get('ghost'), 404, 'not_found', 'ghost');
        expectError(await t.call('PUT', `${ENTITIES}/ghost`, { title: 'x' }), 404, 'not_found', 'ghost');
        expectError(await t.call('PATCH', `${ENTITIES}/ghost`, { title: 'x' }), 404, 'not_found', 'ghost');
        expect(await stored()).toEqual([]);
      });

      it('PUT replaces the entity; PATCH merges', async () => {
        await upsert({ identifier: 'svc-a', title: 'A', icon: 'Go', properties: { language: 'go', replicas: 1 } });
        const put = await t.call('PUT', `${ENTITIES}/svc-a`, { properties: { replicas: 2 } }, { headers: { 'user-agent': UA_OTHER } });
        expect(put.status).toBe(200);
        expect(put.body.entity).toMatchObject({ title: null, icon: null, properties: { language: null, replicas: 2 } });
        const patch = await t.call('PATCH', `${ENTITIES}/svc-a`, { title: 'B', properties: { language: 'ts' } });
        expect(patch.status).toBe(200);
        expect(patch.body.entity).toMatchObject({ title: 'B', properties: { language: 'ts', replicas: 2 } });
        expect((await get('svc-a')).body.entity).toEqual(patch.body.entity);
      });

      it('PUT/PATCH refuse a body identifier other than the path, and validate like upserts', async () => {
        await upsert({ identifier: 'svc-a' });
        expectError(await t.call('PUT', `${ENTITIES}/svc-a`, { identifier: 'svc-b' }), 422, 'invalid_request', 'identifier');
        expectError(await t.call('PATCH', `${ENTITIES}/svc-a`, { properties: { replicas: 'x' } }), 422, 'blueprint_schema_mismatch', 'properties.replicas');
        expectError(await t.call('PATCH', `${ENTITIES}/svc-a`, { relations: { owner: 'ghost' } }), 404, 'not_found', 'relations.owner', 'ghost');
        const stubbed = await t.call('PATCH', `${ENTITIES}/svc-a?create_missing_related_entities=true`, { relations: { owner: 'new-team' } });
        expect(stubbed.status).toBe(200);
        expect((await get('new-team', 'team')).status).toBe(200);
      });
    });
  });
}
