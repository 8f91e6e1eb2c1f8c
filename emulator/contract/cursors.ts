import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError, seg, startEmulator, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract: docs/port-api.md §11.8 (incremental cursors) and `GET /_emulator/integrations/{id}/cursors` (§13.6). */

/** Cursors, run by emulator/contract.test.ts over each transport. */
export function cursors(transport: Transport): void {
  describe('cursors', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
      const r = await t.call('POST', '/v1/integration', { installationId: 'my-jira', installationAppType: 'jira', version: '1' });
      expect(r.status).toBe(201);
    });
    afterEach(async () => {
      await t.close();
    });

    const at = (kind: string, index: number | string) => `/v1/integration/my-jira/cursor?kind=${encodeURIComponent(kind)}&index=${index}`;

    it('reads null until created; PUT on a missing cursor is 404, then POST creates it and PUT updates it (Ocean\'s sequence)', async () => {
      const none = await t.call('GET', at('issue', 0));
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ ok: true, cursor: null });

      expectError(await t.call('PUT', at('issue', 0), { primary: '2026-05-01T10:00:00.000Z' }), 404, 'not_found', 'issue');
      const created = await t.call('POST', at('issue', 0), { primary: '2026-05-01T10:00:00.000Z' });
      expect(created.status).toBe(201);
      expect(created.body.cursor).toEqual({ kind: 'issue', index: 0, primary: '2026-05-01T10:00:00.000Z', updatedAt: expect.any(String) });
      expectError(await t.call('POST', at('issue', 0), { primary: '2026-05-01T11:00:00.000Z' }), 409, 'identifier_taken', 'issue');

      // Ocean's own format (Python isoformat: offset and microseconds) is stored and returned as sent.
      const updated = await t.call('PUT', at('issue', 0), { primary: '2026-05-01T12:00:00.123456+00:00' });
      expect(updated.status).toBe(200);
      expect(updated.body.cursor.primary).toBe('2026-05-01T12:00:00.123456+00:00');
      expect(updated.body.cursor.updatedAt > created.body.cursor.updatedAt).toBe(true);
      expect((await t.call('GET', at('issue', 0))).body.cursor).toEqual(updated.body.cursor);
    });

    it('keeps one cursor per (kind, index); kinds may contain "/" since they travel in the query', async () => {
      await t.call('POST', at('issue', 0), { primary: '2026-05-01T10:00:00Z' });
      await t.call('POST', at('issue', 1), { primary: '2026-05-02T10:00:00Z' });
      await t.call('POST', at('/api/v1/users', 0), { primary: '2026-05-03T10:00:00+02:00' });
      expect((await t.call('GET', at('issue', 1))).body.cursor.primary).toBe('2026-05-02T10:00:00Z');
      expect((await t.call('GET', at('/api/v1/users', 0))).body.cursor.primary).toBe('2026-05-03T10:00:00+02:00');
      expect((await t.call('GET', at('pull-request', 0))).body.cursor).toBeNull();

      const listed = await t.admin('GET', '/integrations/my-jira/cursors');
      expect(listed.body.cursors.map((c: { kind: string; index: number; primary: string }) => [c.kind, c.index, c.primary])).toEqual([
        ['/api/v1/users', 0, '2026-05-03T10:00:00+02:00'],
        ['issue', 0, '2026-05-01T10:00:00Z'],
        ['issue', 1, '2026-05-02T10:00:00Z'],
      ]);
    });

    it('validates kind, index and primary with 422', async () => {
      expectError(await t.call('GET', '/v1/integration/my-jira/cursor?index=0'), 422, 'invalid_request', 'kind');
      expectError(await t.call('GET', '/v1/integration/my-jira/cursor?kind=issue'), 422, 'invalid_request', 'index');
      expectError(await t.call('GET', at('issue', -1)), 422, 'invalid_request', 'index');
      expectError(await t.call('GET', at('issue', 'x')), 422, 'invalid_request', 'index');
      for (const primary of ['2026-05-01T10:00:00', '2026-05-01', 'yesterday', 1714557600]) {
        expectError(await t.call('POST', at('issue', 0), { primary }), 422, 'invalid_request', 'primary');
      }
      expectError(await t.call('POST', at('issue', 0), {}), 422, 'invalid_request', 'primary');
      expectError(await t.call('POST', at('issue', 0), { primary: '2026-05-01T10:00:00Z', secondary: 'x' }), 422, 'invalid_request');
      expect((await t.admin('GET', '/integrations/my-jira/cursors')).body.cursors).toEqual([]);
    });

    it('404 for a missing integration; deleting the integration deletes its cursors', async () => {
      expectError(await t.call('GET', `/v1/integration/${seg('nope')}/cursor?kind=a&index=0`), 404, 'not_found', 'nope');
      expectError(await t.call('POST', `/v1/integration/nope/cursor?kind=a&index=0`, { primary: '2026-05-01T10:00:00Z' }), 404, 'not_found');
      await t.call('POST', at('issue', 0), { primary: '2026-05-01T10:00:00Z' });
      expect((await t.call('DELETE', '/v1/integration/my-jira')).status).toBe(200);
      await t.call('POST', '/v1/integration', { installationId: 'my-jira', installationAppType: 'jira', version: '1' });
      expect((await t.call('GET', at('issue', 0))).body.cursor).toBeNull();
      expect((await t.admin('GET', '/integrations/my-jira/cursors')).body.cursors).toEqual([]);
    });

    it('cursor calls are logged in the "other" bucket, and reset clears cursors', async () => {
      await t.call('POST', at('issue', 0), { primary: '2026-05-01T10:00:00Z' });
      const log = (await t.admin('GET', '/requests?path=/v1/integration/my-jira/cursor')).body.requests;
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ method: 'POST', status: 201, bucket: 'other', query: { kind: 'issue', index: '0' }, body: { primary: '2026-05-01T10:00:00Z' } });
      await t.admin('POST', '/reset');
      expect((await t.admin('GET', '/integrations/my-jira/cursors')).body.cursors).toEqual([]);
    });
  });
}
