import { afterEach, describe, expect, it } from 'vitest';
import { entityChanges } from '../entity-history.ts';
import { SERVICE_BLUEPRINT, TEAM_BLUEPRINT, createBlueprints, startEmulator, type TestEmulator } from '../test-helpers.ts';

/**
 * The web UI's server side through `app.fetch`: what each page shows, the blueprint table's paging,
 * sorting, search and filters, relations both ways, change history, resync history, and the guards
 * (loopback Host only, admin-token session, same-origin JSON writes, escaping).
 */
const UI = 'http://127.0.0.1:5555';
let t: TestEmulator;

afterEach(async () => {
  await t?.close();
});

async function page(path: string, init: RequestInit = {}): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await t.emulator.fetch(`${UI}${path}`, init);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The text of every `<tr>` in the entity table's body, by first cell. */
function firstCells(html: string): string[] {
  const body = html.slice(html.indexOf('<tbody>', html.indexOf('class="grid entities"')));
  return [...body.slice(0, body.indexOf('</tbody>')).matchAll(/<tr><td><a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);
}

const link = (html: string, rel: string) => {
  const m = new RegExp(`href="([^"]*)" rel="${rel}"`).exec(html);
  return m ? m[1].replaceAll('&amp;', '&') : undefined;
};

async function serviceCatalog(n: number, extra: object[] = []): Promise<void> {
  t = await startEmulator();
  await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
  const entities = Array.from({ length: n }, (_, i) => ({
    blueprint: 'service',
    identifier: `svc-${String(i).padStart(4, '0')}`,
    title: i % 7 === 0 ? null : `Service ${(n - i) % 13}`,
    properties: i % 5 === 0 ? {} : { replicas: i % 9, language: i % 2 ? 'go' : 'ts' },
    datasource: 'port-ocean/fake/1.0/my-int/exporter',
  }));
  const r = await t.admin('POST', '/seed', { entities: [...entities, ...extra] });
  expect(r.status).toBe(200);
}

describe('the blueprint table', () => {
  it('pages forward and back through every entity exactly once, in identifier order', async () => {
    await serviceCatalog(260);
    let p = await page('/blueprint?bp=service&size=100');
    expect(p.html).toContain('Rows 1–100 of 260');
    const seen: string[] = [...firstCells(p.html)];
    const pages = [p.html];
    for (let next = link(p.html, 'next'); next; next = link(p.html, 'next')) {
      p = await page(next);
      pages.push(p.html);
      seen.push(...firstCells(p.html));
    }
    expect(seen).toEqual(Array.from({ length: 260 }, (_, i) => `svc-${String(i).padStart(4, '0')}`));
    expect(pages).toHaveLength(3);
    // Back from the last page gives the middle page again.
    const back = await page(link(pages[2], 'prev')!);
    expect(firstCells(back.html)).toEqual(firstCells(pages[1]));
    // "Last" shows the final full page.
    const last = await page('/blueprint?bp=service&size=100&last=1');
    expect(last.html).toContain('Rows 161–260 of 260');
    expect(firstCells(last.html)).toEqual(seen.slice(160));
    expect(link(last.html, 'next')).toBeUndefined();
  });

  it('sorts by a property with missing values last, and pages that order without gaps', async () => {
    await serviceCatalog(120);
    const seen: string[] = [];
    let p = await page('/blueprint?bp=service&sort=properties.replicas&size=25');
    for (;;) {
      seen.push(...firstCells(p.html));
      const next = link(p.html, 'next');
      if (!next) break;
      p = await page(next);
    }
    expect(new Set(seen).size).toBe(120);
    const replicas = (id: string) => {
      const i = Number(id.slice(4));
      return i % 5 === 0 ? Infinity : i % 9;
    };
    const values = seen.map(replicas);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(Infinity);
    const desc = await page('/blueprint?bp=service&sort=title&dir=desc&size=25');
    expect(desc.html).toContain('aria-sort="descending"');
  });

  it('finds entities by identifier or title text, and filters with Port search rules', async () => {
    await serviceCatalog(300);
    const byId = await page('/blueprint?bp=service&q=svc-0123');
    expect(firstCells(byId.html)).toEqual(['svc-0123']);
    expect(byId.html).toContain('Rows 1–1 of 1');
    const rules = encodeURIComponent(JSON.stringify([{ property: 'language', operator: '=', value: 'go' }, { property: 'replicas', operator: '>', value: 7 }]));
    const filtered = await page(`/blueprint?bp=service&rules=${rules}&size=200`);
    const expected = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 5 !== 0 && i % 2 === 1 && i % 9 > 7);
    expect(firstCells(filtered.html)).toEqual(expected.map((i) => `svc-${String(i).padStart(4, '0')}`));
    expect(filtered.html).toContain(`of ${expected.length}`);
    // The form's fields (fp/fo/fv) build the same rules.
    const form = await page('/blueprint?bp=service&fp=language&fo=%3D&fv=go&fp=replicas&fo=%3E&fv=7&size=200');
    expect(firstCells(form.html)).toEqual(firstCells(filtered.html));
    const bad = await page('/blueprint?bp=service&fp=language&fo=between&fv=go');
    expect(bad.html).toContain('role="alert"');
    expect(bad.html).toMatch(/filters\.rules\[0\]\.value/);
  });

  it('refuses a cursor it did not issue, naming it', async () => {
    await serviceCatalog(5);
    const p = await page('/blueprint?bp=service&after=not-a-cursor');
    expect(p.html).toContain('cursor: not a cursor this page issued');
  });
});

describe('the catalog and entity pages', () => {
  it('counts entities per blueprint and owner, and shows relations both ways', async () => {
    t = await startEmulator();
    await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    const ua = { 'user-agent': 'port-ocean/fake/1.0/my-int/exporter' };
    await t.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 'core', title: 'Core team' }, { headers: ua });
    await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'api', title: 'API', relations: { owner: 'core' } }, { headers: ua });
    await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'web', relations: { owner: 'core', deps: ['api'] } });
    const catalog = await page('/');
    expect(catalog.status).toBe(200);
    expect(catalog.html).toMatch(/<code>service<\/code><\/td><td class="num" data-testid="count">2<\/td>/);
    expect(catalog.html).toContain('<a href="/integration?id=my-int">my-int</a> (1)');
    expect(catalog.html).toContain('no integration (1)');

    const team = await page('/entity?bp=team&id=core');
    expect(team.html).toContain('service</a>.<code>owner</code> (2)');
    expect(team.html).toContain('href="/entity?bp=service&amp;id=api">API (api)</a>');
    const api = await page('/entity?bp=service&id=api');
    expect(api.html).toContain('href="/entity?bp=team&amp;id=core">Core team (core)</a>');
    expect(api.html).toContain('service</a>.<code>deps</code> (1)');
    expect(api.html).toContain('owned by integration <a href="/integration?id=my-int">my-int</a>');
    const missing = await page('/entity?bp=service&id=nope');
    expect(missing.status).toBe(404);
  });

  it('records who changed an entity and what, field by field; a write that changes nothing adds no entry', async () => {
    t = await startEmulator();
    await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    const write = (body: object, agent: string) => t.call('POST', '/v1/blueprints/service/entities?upsert=true&merge=true', body, { headers: { 'user-agent': agent } });
    await write({ identifier: 'api', title: 'API', properties: { replicas: 2 } }, 'port-ocean/fake/1.0/a/exporter');
    await write({ identifier: 'api', properties: { replicas: 3, language: 'go' } }, 'port-ocean/fake/1.0/a/exporter');
    await write({ identifier: 'api', properties: { replicas: 3 } }, 'port-ocean/fake/1.0/a/exporter');
    await write({ identifier: 'api', properties: { replicas: 3 } }, 'port-ocean/other/2.0/b/exporter');
    const entity = t.emulator.state.store.entity('service', 'api')!;
    const history = entityChanges(t.emulator.state, entity);
    expect(history.map((h) => h.action)).toEqual(['updated', 'updated', 'created']);
    expect(history[0]).toMatchObject({ changes: [], previousDatasource: 'port-ocean/fake/1.0/a/exporter', agent: 'port-ocean/other/2.0/b/exporter', by: 'test-client' });
    expect(history[1].changes).toEqual([
      { path: 'properties.replicas', before: 2, after: 3 },
      { path: 'properties.language', after: 'go' },
    ]);
    expect(history[2]).toMatchObject({ by: 'test-client', agent: 'port-ocean/fake/1.0/a/exporter', at: entity.createdAt });
    // The history goes with the entity.
    await t.call('DELETE', '/v1/blueprints/service/entities/api?delete_dependents=false');
    const left = t.emulator.state.store.db.prepare('SELECT count(*) AS n FROM entity_history WHERE row_id = ?').get(entity.rowId) as { n: number };
    expect(left.n).toBe(0);
  });

  it('shows an entity update as a diff on its page', async () => {
    t = await startEmulator();
    await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'api', properties: { language: 'ts' } });
    await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'api', properties: { language: 'go' } });
    const p = await page('/entity?bp=service&id=api');
    expect(p.html).toContain('<th scope="row">properties.language</th><td class="del"><del>ts</del></td><td class="ins"><ins>go</ins></td>');
  });
});

describe('resync history', () => {
  it('keeps each resync-state update and what every tagged resync request did', async () => {
    t = await startEmulator();
    await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
    await t.call('POST', '/v1/integration', { installationId: 'my-int', installationAppType: 'fake', version: '1.0' });
    const ua = { 'user-agent': 'port-ocean/fake/1.0/my-int/exporter' };
    await t.call('PATCH', '/v1/integration/my-int/resync-state', { status: 'running', lastResyncStart: '2026-01-01T00:00:00.000Z' });
    const q = 'upsert=true&ocean_info_event_type=resync&ocean_info_resync_id=r-1';
    await t.call('POST', `/v1/blueprints/team/entities/bulk?${q}`, { entities: [{ identifier: 'core' }, { identifier: 'edge' }] }, { headers: ua });
    await t.call('POST', `/v1/blueprints/service/entities/bulk?${q}`, { entities: [{ identifier: 'api', properties: { language: 'rust' } }, { identifier: 'web' }] }, { headers: ua });
    await t.call('POST', `/v1/blueprints/team/bulk/entities/delete?delete_dependents=true&ocean_info_resync_id=r-1`, { entities: ['edge'] }, { headers: ua });
    await t.call('PATCH', '/v1/integration/my-int/resync-state', { status: 'completed', lastResyncEnd: '2026-01-01T00:01:00.000Z' });

    const p = await page('/integration?id=my-int');
    expect(p.html).toContain('<code>r-1</code>');
    expect(p.html).toContain('upserted 3 (3 new), rejected 1, deleted 1');
    expect(p.html).toContain('href="/entity?bp=team&amp;id=edge">edge</a></td><td>deleted</td>');
    expect(p.html.match(/status status-\w+"><span aria-hidden="true">[^<]*<\/span> (running|completed)/g)?.length).toBeGreaterThanOrEqual(3);

    // A framework report for the same resync replaces Port's view of its counts and deletions.
    t.emulator.recordResyncReport('my-int', {
      resyncId: 'r-1',
      status: 'completed',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      kinds: [{ fetched: 4, upserted: 3, unchanged: 0, failed: 1 }],
      deletion: {
        outcome: 'deleted',
        counts: { owned: 3, seen: 2, candidates: 2, protected: 1, deleted: 1, failed: 0 },
        rows: [
          { blueprint: 'team', identifier: 'edge', action: 'deleted', reason: 'owned by this integration and not produced by this resync' },
          { blueprint: 'team', identifier: 'stub', action: 'kept-related-target', reason: 'a relation target of a seen entity' },
        ],
        rowsOmitted: 0,
      },
    } as { resyncId: string });
    const after = await page('/integration?id=my-int');
    expect(after.html).toContain('fetched 4, upserted 3, unchanged 0, failed 1');
    expect(after.html).toContain('<td>kept-related-target</td><td>a relation target of a seen entity</td>');
    const catalog = await page('/');
    expect(catalog.html).toContain('fetched 4, upserted 3, unchanged 0, failed 1');

    // Deleting the integration forgets its history.
    await t.call('DELETE', '/v1/integration/my-int');
    const left = t.emulator.state.store.db.prepare('SELECT count(*) AS n FROM resync_history WHERE integration_id = ?').get('my-int') as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('guards', () => {
  it('escapes catalog values in every page', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await serviceCatalog(1, [{ blueprint: 'service', identifier: 'evil', title: evil, properties: { language: evil } }]);
    for (const path of ['/blueprint?bp=service', '/entity?bp=service&id=evil', `/blueprint?bp=service&q=${encodeURIComponent(evil)}`]) {
      const p = await page(path);
      expect(p.html).not.toContain('<img');
      expect(p.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(p.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('answers only on loopback host names', async () => {
    t = await startEmulator();
    const foreign = await t.emulator.fetch('http://attacker.example/');
    expect(foreign.status).toBe(421);
    const api = await t.emulator.fetch('http://attacker.example/v1/blueprints');
    expect(api.status).toBe(401);
    expect((await page('/')).status).toBe(200);
  });

  it('refuses cross-site and header-less writes to the UI API', async () => {
    t = await startEmulator();
    await t.call('POST', '/v1/integration', { installationId: 'my-int', installationAppType: 'fake', version: '1.0' });
    const body = JSON.stringify({ integration: 'my-int', index: 0, resource: { kind: 'x' }, base: null });
    const json = { 'content-type': 'application/json' };
    expect((await page('/_ui/api/save', { method: 'POST', headers: json, body })).status).toBe(403);
    expect((await page('/_ui/api/save', { method: 'POST', headers: { ...json, 'x-tide-ui': '1', origin: 'http://evil.example', host: '127.0.0.1:5555' }, body })).status).toBe(403);
    expect((await page('/_ui/api/save', { method: 'POST', headers: { 'content-type': 'text/plain', 'x-tide-ui': '1' }, body })).status).toBe(403);
    const saved = await page('/_ui/api/save', { method: 'POST', headers: { ...json, 'x-tide-ui': '1' }, body });
    expect(saved.status).toBe(200);
    const stored = (await t.call('GET', '/v1/integration/my-int')).body.integration;
    expect(stored.config.resources).toEqual([{ kind: 'x' }]);
    expect(stored.updatedBy).toBe('local-ui');
    // The save went through Port's own route: it created a resync request, as Port's UI does.
    expect((await t.call('GET', '/v1/integration/my-int/resync-request')).body.request.reason).toBe('config_changed');
    // A save over a resource that changed since the editor loaded it is refused.
    const stale = await page('/_ui/api/save', { method: 'POST', headers: { ...json, 'x-tide-ui': '1' }, body });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('changed since the editor loaded it');
    // Without an engine the playground says so.
    expect((await page('/playground')).html).toContain('data-testid="playground-unavailable"');
    expect((await page('/_ui/api/evaluate', { method: 'POST', headers: { ...json, 'x-tide-ui': '1' }, body: '{}' })).status).toBe(503);
  });

  it('with an admin token, asks for it once and keeps only a session cookie', async () => {
    t = await startEmulator({ adminToken: 's3cret-token' });
    const gate = await page('/blueprint?bp=x');
    expect(gate.status).toBe(401);
    expect(gate.html).toContain('type="password"');
    expect(gate.html).toContain('name="next" value="/blueprint?bp=x"');
    expect((await page('/_ui/api/requests')).status).toBe(401);
    const form = (token: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, next: '/requests' }).toString() });
    expect((await page('/_ui/login', form('wrong'))).status).toBe(401);
    const ok = await page('/_ui/login', form('s3cret-token'));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/requests');
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^tide_ui_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('s3cret-token');
    const session = cookie.split(';')[0];
    expect((await page('/', { headers: { cookie: session } })).status).toBe(200);
    expect((await page('/_ui/api/requests', { headers: { cookie: session } })).status).toBe(200);
    // A next= pointing elsewhere lands on the catalog instead.
    const away = await page('/_ui/login', { ...form('s3cret-token'), body: new URLSearchParams({ token: 's3cret-token', next: '//evil.example/' }).toString() });
    expect(away.headers.get('location')).toBe('/');
    // Sign-out ends the session.
    await page('/_ui/logout', { method: 'POST', headers: { cookie: session } });
    expect((await page('/', { headers: { cookie: session } })).status).toBe(401);
  });
});
