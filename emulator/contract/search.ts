import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_BLUEPRINT, TEAM_BLUEPRINT, createBlueprints, expectError, startEmulator, type CallResult, type TestEmulator, type Transport } from '../test-helpers.ts';

/**
 * Contract tests for searches (§10), owned entities (§9.11) and the request pipeline's body checks
 * (§1.4: 413, 400, 401), over both transports.
 */
const UA = 'port-ocean/jira/0.3.1/my-jira/exporter';
const UA_V2 = 'port-ocean/jira/0.4.0/my-jira/exporter';
const UA_GITOPS = 'port-ocean/jira/0.3.1/my-jira/gitops';
const UA_OTHER = 'port-ocean/github/1.0.0/my-gh/exporter';
const OWNED = '/v1/blueprints/entities/datasource-entities';

type Entity = { identifier: string; blueprint: string; [k: string]: unknown };
const idsOf = (r: CallResult) => (r.body.entities as Entity[]).map((e) => e.identifier);

/** Search routes, run by emulator/contract.test.ts over each transport. */
export function searchRoutes(transport: Transport): void {
  describe('search routes', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
      await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    });
    afterEach(async () => {
      await t.close();
    });

    const upsert = (bp: string, body: unknown, ua = UA) =>
      t.call('POST', `/v1/blueprints/${bp}/entities?upsert=true&merge=true`, body, { headers: { 'user-agent': ua } });
    const bulk = (bp: string, entities: unknown[], ua = UA) =>
      t.call('POST', `/v1/blueprints/${bp}/entities/bulk?upsert=true`, { entities }, { headers: { 'user-agent': ua } });
    const search = (query: unknown, params = '') => t.call('POST', `/v1/entities/search${params}`, query);

    describe('POST /v1/entities/search', () => {
      beforeEach(async () => {
        await upsert('team', { identifier: 't1', properties: { size: 3 } });
        await upsert('service', { identifier: 'svc-a', title: 'A', properties: { language: 'go' }, relations: { owner: 't1' } });
        await upsert('service', { identifier: 'svc-b', properties: { language: 'ts' } }, UA_OTHER);
      });

      it('searches every blueprint and reports matchingBlueprints and failedBlueprints', async () => {
        const r = await search({ combinator: 'and', rules: [] });
        expect(r.status).toBe(200);
        expect(r.body.ok).toBe(true);
        expect(idsOf(r).sort()).toEqual(['svc-a', 'svc-b', 't1']);
        expect(r.body.matchingBlueprints.sort()).toEqual(['service', 'team']);
        expect(r.body.failedBlueprints).toEqual([]);
        const a = (r.body.entities as Entity[]).find((e) => e.identifier === 'svc-a');
        expect(a).toMatchObject({ blueprint: 'service', title: 'A', icon: null, team: [], relations: { owner: 't1', deps: [] } });
        expect(JSON.stringify(r.body)).not.toContain('port-ocean');
      });

      it("narrows matchingBlueprints with $blueprint rules and answers Tide's lookup query", async () => {
        const r = await search({
          combinator: 'and',
          rules: [
            { property: '$identifier', operator: 'in', value: ['svc-a', 'svc-b', 't1'] },
            { property: '$blueprint', operator: '=', value: 'service' },
            { property: '$datasource', operator: 'contains', value: 'port-ocean/jira/' },
            { property: '$datasource', operator: 'contains', value: '/my-jira/exporter' },
          ],
        });
        expect(r.status).toBe(200);
        expect(idsOf(r)).toEqual(['svc-a']);
        expect(r.body.matchingBlueprints).toEqual(['service']);
        const none = await search({ combinator: 'or', rules: [] });
        expect(none.body.entities).toEqual([]);
      });

      it('a failBlueprints fault drops those blueprints into failedBlueprints', async () => {
        await t.admin('POST', '/faults', { match: { path: '/v1/entities/search' }, action: { type: 'failBlueprints', blueprints: ['team'] } });
        const r = await search({ combinator: 'and', rules: [] });
        expect(r.status).toBe(200);
        expect(idsOf(r).sort()).toEqual(['svc-a', 'svc-b']);
        expect(r.body.failedBlueprints).toEqual(['team']);
        expect(r.body.matchingBlueprints.sort()).toEqual(['service', 'team']);
      });

      it('applies include and exclude query params (dotted paths); identifier and blueprint always come back', async () => {
        const q = { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'svc-a' }] };
        const inc = await search(q, '?include=title&include=properties.language&include=relations.owner');
        expect(inc.body.entities).toEqual([
          { identifier: 'svc-a', blueprint: 'service', title: 'A', properties: { language: 'go' }, relations: { owner: 't1' } },
        ]);
        const exc = await search(q, '?exclude=properties&exclude=relations&exclude=identifier&exclude=createdAt');
        const e = exc.body.entities[0];
        expect(e).toMatchObject({ identifier: 'svc-a', blueprint: 'service', title: 'A' });
        expect(e).not.toHaveProperty('properties');
        expect(e).not.toHaveProperty('createdAt');
        expect(e).toHaveProperty('updatedAt');
        const both = await search(q, '?include[]=title&include[]=team&exclude[]=team');
        expect(both.body.entities).toEqual([{ identifier: 'svc-a', blueprint: 'service', title: 'A' }]);
      });

      it('answers 422 unsupported_operator for operators the emulator does not implement', async () => {
        for (const operator of ['relatedTo', 'matchAny', 'isExpired', 'noSuchOperator']) {
          const r = await search({ combinator: 'and', rules: [{ property: 'language', operator, value: 'x' }] });
          expectError(r, 422, 'unsupported_operator', operator);
        }
        const ctx = await search({ combinator: 'and', rules: [{ property: '$team', operator: 'in', value: { context: 'user', property: '$team' } }] });
        expectError(ctx, 422, 'unsupported_operator', 'context');
      });

      it('answers 422 invalid_request for a malformed query, naming the path', async () => {
        expectError(await search({ combinator: 'xor', rules: [] }), 422, 'invalid_request', 'combinator');
        expectError(await search({ combinator: 'and', rules: [{ property: 'x', operator: 'in', value: 'a' }] }), 422, 'invalid_request', 'rules[0].value');
        expectError(await search({ combinator: 'and', rules: [] }, '?allow_partial_results=maybe'), 422, 'invalid_request', 'allow_partial_results');
        expectError(
          await search({ combinator: 'and', rules: [] }, '?attach_identifier_to_title_mirror_properties=1'),
          422, 'invalid_request', 'attach_identifier_to_title_mirror_properties',
        );
        const flags = '?exclude_calculated_properties=true&attach_title_to_relation=false&attach_identifier_to_title_mirror_properties=true&allow_partial_results=true&ocean_info_x=1';
        expect((await search({ combinator: 'and', rules: [] }, flags)).status).toBe(200);
      });

      it('answers 400 for malformed JSON and 401 without a token', async () => {
        expectError(await t.call('POST', '/v1/entities/search', undefined, { raw: '{"combinator": "and", rules' }), 400, 'bad_request');
        expectError(await t.call('POST', '/v1/entities/search', { combinator: 'and', rules: [] }, { token: false }), 401, 'unauthorized');
      });
    });

    describe('POST /v1/blueprints/{bp}/entities/search', () => {
      const path = '/v1/blueprints/service/entities/search';

      it('pages with limit/from until the end: no skips, no duplicates, next absent on the last page', async () => {
        await bulk('service', Array.from({ length: 7 }, (_, i) => ({ identifier: `svc-${i}`, properties: { replicas: i } })));
        await upsert('team', { identifier: 't1' });
        const seen: string[] = [];
        let from: string | undefined;
        let pages = 0;
        for (;;) {
          const r = await t.call('POST', path, { limit: 3, ...(from ? { from } : {}) });
          expect(r.status).toBe(200);
          pages++;
          seen.push(...idsOf(r));
          if (!r.body.next) {
            expect(r.body.next ?? null).toBeNull();
            break;
          }
          expect(idsOf(r)).toHaveLength(3);
          from = r.body.next;
          expect(pages).toBeLessThan(10);
        }
        expect(seen).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4', 'svc-5', 'svc-6']);
        expect(pages).toBe(3);
      });

      it('the page that holds the last entity carries no next, even when it is full', async () => {
        await bulk('service', Array.from({ length: 4 }, (_, i) => ({ identifier: `svc-${i}` })));
        const first = await t.call('POST', path, { limit: 2 });
        expect(idsOf(first)).toEqual(['svc-0', 'svc-1']);
        const last = await t.call('POST', path, { limit: 2, from: first.body.next });
        expect(idsOf(last)).toEqual(['svc-2', 'svc-3']);
        expect(last.body.next ?? null).toBeNull();
      });

      it('entities inserted between pages are neither skipped nor duplicated', async () => {
        await bulk('service', Array.from({ length: 4 }, (_, i) => ({ identifier: `svc-${i}` })));
        const first = await t.call('POST', path, { limit: 2 });
        await upsert('service', { identifier: 'svc-new' });
        await upsert('service', { identifier: 'svc-0', title: 'updated' });
        const seen = idsOf(first);
        let from = first.body.next;
        while (from) {
          const r = await t.call('POST', path, { limit: 2, from });
          seen.push(...idsOf(r));
          from = r.body.next;
        }
        expect(seen).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-new']);
      });

      it('filters with a query, and applies body include/exclude', async () => {
        await bulk('service', Array.from({ length: 6 }, (_, i) => ({ identifier: `svc-${i}`, properties: { replicas: i, language: i % 2 ? 'go' : 'ts' } })));
        const r = await t.call('POST', path, {
          query: { combinator: 'and', rules: [{ property: 'language', operator: '=', value: 'go' }, { property: 'replicas', operator: '>', value: 1 }] },
          include: ['$identifier', 'replicas', '$updatedAt'],
          exclude: ['$updatedAt'],
        });
        expect(r.status).toBe(200);
        expect(r.body.entities).toEqual([
          { identifier: 'svc-3', blueprint: 'service', properties: { replicas: 3 } },
          { identifier: 'svc-5', blueprint: 'service', properties: { replicas: 5 } },
        ]);
        expect(r.body.next ?? null).toBeNull();
      });

      it('validates limit (1..1000), from and the query; 404 for a missing blueprint', async () => {
        expectError(await t.call('POST', path, { limit: 0 }), 422, 'invalid_request', 'limit');
        expectError(await t.call('POST', path, { limit: 1001 }), 422, 'invalid_request', 'limit');
        expectError(await t.call('POST', path, { from: 'not-a-cursor' }), 422, 'invalid_request', 'from');
        expectError(await t.call('POST', path, { query: { combinator: 'and', rules: [{ property: 'x', operator: 'relatedTo', value: 'y' }] } }), 422, 'unsupported_operator', 'relatedTo');
        expectError(await t.call('POST', '/v1/blueprints/ghost/entities/search', {}), 404, 'not_found', 'ghost');
        expectError(await t.call('POST', path, {}, { token: false }), 401, 'unauthorized');
        expect((await t.call('POST', path, { limit: 1000 })).status).toBe(200);
      });
    });

    describe('POST /v1/blueprints/entities/datasource-entities', () => {
      const owned = (body: Record<string, unknown>) =>
        t.call('POST', OWNED, { datasource_prefix: 'port-ocean/jira/', datasource_suffix: '/my-jira/exporter', limit: 5000, ...body });

      it('returns entities of every blueprint whose $datasource has the prefix and suffix, across versions', async () => {
        await upsert('team', { identifier: 't1' });
        await upsert('service', { identifier: 'svc-v2' }, UA_V2);
        await upsert('service', { identifier: 'svc-gitops' }, UA_GITOPS);
        await upsert('service', { identifier: 'svc-other' }, UA_OTHER);
        await upsert('service', { identifier: 'svc-moved' });
        await upsert('service', { identifier: 'svc-moved' }, UA_OTHER);
        const r = await owned({});
        expect(r.status).toBe(200);
        expect(r.body.ok).toBe(true);
        expect(idsOf(r)).toEqual(['t1', 'svc-v2']);
        expect(r.body.next ?? null).toBeNull();
        expect(r.body.entities[0]).toMatchObject({ blueprint: 'team', title: null, team: [], properties: { size: null }, relations: {} });
        expect(JSON.stringify(r.body)).not.toContain('port-ocean');
        const gitops = await owned({ datasource_suffix: '/my-jira/gitops' });
        expect(idsOf(gitops)).toEqual(['svc-gitops']);
      });

      it('`before` keeps only entities with updatedAt strictly before it', async () => {
        const a = await upsert('service', { identifier: 'svc-a' });
        await t.admin('POST', '/clock', { advanceSeconds: 1 });
        const b = await upsert('service', { identifier: 'svc-b' });
        const stampB: string = b.body.entity.updatedAt;
        expect(stampB > a.body.entity.updatedAt).toBe(true);
        expect(idsOf(await owned({ before: stampB }))).toEqual(['svc-a']);
        const after = new Date(Date.parse(stampB) + 1).toISOString();
        expect(idsOf(await owned({ before: after }))).toEqual(['svc-a', 'svc-b']);
        expect(idsOf(await owned({ before: a.body.entity.updatedAt }))).toEqual([]);
        // a later write moves updatedAt past `before`
        await t.admin('POST', '/clock', { advanceSeconds: 1 });
        await upsert('service', { identifier: 'svc-a', title: 'again' });
        expect(idsOf(await owned({ before: after }))).toEqual(['svc-b']);
      });

      it('pages by cursor with no skips or duplicates while entities are inserted, next null on the last page', async () => {
        await bulk('service', Array.from({ length: 5 }, (_, i) => ({ identifier: `svc-${i}` })));
        const seen: string[] = [];
        let from: string | null | undefined;
        let pages = 0;
        do {
          const r = await owned({ limit: 2, ...(from ? { from } : {}) });
          expect(r.status).toBe(200);
          seen.push(...idsOf(r));
          from = r.body.next;
          if (pages === 0) await upsert('service', { identifier: 'svc-late' });
          if (pages === 1) await upsert('service', { identifier: 'svc-0', title: 'rewritten' });
          pages++;
          expect(pages).toBeLessThan(10);
        } while (from);
        expect(seen).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4', 'svc-late']);
        expect(pages).toBe(3);
      });

      it('validates the body: required fields, limit 1..10000, before as a date-time', async () => {
        expectError(await t.call('POST', OWNED, { datasource_suffix: '/x', limit: 1 }), 422, 'invalid_request', 'datasource_prefix');
        expectError(await t.call('POST', OWNED, { datasource_prefix: 'p', limit: 1 }), 422, 'invalid_request', 'datasource_suffix');
        expectError(await t.call('POST', OWNED, { datasource_prefix: 'p', datasource_suffix: 's' }), 422, 'invalid_request', 'limit');
        expectError(await owned({ limit: 0 }), 422, 'invalid_request', 'limit');
        expectError(await owned({ limit: 10_001 }), 422, 'invalid_request', 'limit');
        expectError(await owned({ before: 'yesterday' }), 422, 'invalid_request', 'before');
        expectError(await owned({ from: 'garbage' }), 422, 'invalid_request', 'from');
        expect((await owned({ limit: 10_000, from: null })).status).toBe(200);
        expectError(await t.call('POST', OWNED, { datasource_prefix: 'p', datasource_suffix: 's', limit: 1 }, { token: false }), 401, 'unauthorized');
      });
    });

    describe('request bodies (§1.4)', () => {
      const big = (bytes: number) => JSON.stringify({ combinator: 'and', rules: [], pad: 'x'.repeat(bytes) });

      it('answers 413 request_too_large for a body over 1 MiB with Content-Length', async () => {
        const text = big(1024 * 1024);
        const r = await t.call('POST', '/v1/entities/search', undefined, { raw: text, headers: { 'content-length': String(Buffer.byteLength(text)) } });
        expectError(r, 413, 'request_too_large');
        const bulkBody = JSON.stringify({ entities: [{ identifier: 'x', title: 'y'.repeat(1024 * 1024) }] });
        expectError(await t.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true', undefined, { raw: bulkBody }), 413, 'request_too_large');
        expect((await t.admin('GET', '/entities')).body.entities).toEqual([]);
      });

      it('answers 413 for a streamed (chunked) body over 1 MiB', async () => {
        const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent === 0) controller.enqueue(new TextEncoder().encode('{"identifier":"x","title":"'));
            if (sent >= 20) {
              controller.enqueue(new TextEncoder().encode('"}'));
              controller.close();
              return;
            }
            sent++;
            controller.enqueue(chunk);
          },
        });
        const r = await t.call('POST', '/v1/blueprints/service/entities?upsert=true', undefined, { raw: stream });
        expectError(r, 413, 'request_too_large');
        expect((await t.admin('GET', '/entities')).body.entities).toEqual([]);
      });

      it('accepts a body just under 1 MiB', async () => {
        const text = big(1024 * 1024 - 200);
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
        expect((await t.call('POST', '/v1/entities/search', undefined, { raw: text })).status).toBe(200);
      });

      it('answers 413 before 401: size is checked before the token', async () => {
        const r = await t.call('POST', '/v1/entities/search', undefined, { raw: big(1024 * 1024 + 10), token: false });
        expectError(r, 413, 'request_too_large');
      });
    });
  });
}
