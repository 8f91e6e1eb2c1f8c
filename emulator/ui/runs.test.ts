/**
 * The web UI's runs pages through `app.fetch`: the runs list (newest first, by installation) and one run with its
 * status, link, logs and history, every value escaped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../test-helpers.ts';

const UI = 'http://127.0.0.1:5555';
const RESERVED = { 'x-port-reserved-usage': 'true' };
let t: TestEmulator;

beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

const page = async (path: string) => {
  const res = await t.emulator.fetch(`${UI}${path}`);
  return { status: res.status, html: await res.text() };
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('the runs pages', () => {
  it('list runs newest first with their status, and filter by installation', async () => {
    const a = (await t.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'dispatch_workflow' })).body.run.id;
    const node = (await t.admin('POST', '/workflow-node-runs', { installationId: 'my-github', type: 'dispatch_workflow', nodeUid: 'deploy' })).body.nodeRun.identifier;
    const other = (await t.admin('POST', '/actions/runs', { installationId: 'my-jira', type: 'create_issue' })).body.run.id;
    await t.call('POST', '/v1/actions/runs/claim-pending', { installationId: 'my-github', limit: 10, visibilityTimeoutMs: 60_000 }, { headers: RESERVED });
    await t.call('PATCH', '/v1/actions/runs/ack', { runId: a }, { headers: RESERVED });
    await t.call('PATCH', `/v1/actions/runs/${a}`, { status: 'SUCCESS' });

    const all = await page('/runs');
    expect(all.status).toBe(200);
    const order = [...all.html.matchAll(/<a href="\/run\?id=([^"]+)">/g)].map((m) => m[1]);
    expect(order).toEqual([other, node, a]);
    const body = text(all.html);
    expect(body).toContain(`${a} action dispatch_workflow my-github ✓ success 1`);
    expect(body).toContain(`${node} workflow node dispatch_workflow my-github … pending 0`);
    const mine = await page('/runs?installation=my-github');
    expect([...mine.html.matchAll(/<a href="\/run\?id=([^"]+)">/g)].map((m) => m[1])).toEqual([node, a]);
    expect(all.html).toContain('<a href="/runs" aria-current="page">Runs</a>');
  });

  it('show one run: status, link, logs and history, escaped', async () => {
    const id = (await t.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'dispatch_workflow', executionProperties: { ref: 'main' } })).body.run.id;
    await t.call('POST', '/v1/actions/runs/claim-pending', { installationId: 'my-github', limit: 10, visibilityTimeoutMs: 60_000 }, { headers: RESERVED });
    await t.call('PATCH', '/v1/actions/runs/ack', { runId: id }, { headers: RESERVED });
    await t.call('POST', `/v1/actions/runs/${id}/logs`, { message: 'deploying <script>alert(1)</script>' });
    await t.call('PATCH', `/v1/actions/runs/${id}`, { status: 'FAILURE', link: 'https://ci.example.test/1' });

    const run = await page(`/run?id=${id}`);
    expect(run.status).toBe(200);
    expect(run.html).not.toContain('<script>alert(1)</script>');
    expect(run.html).toContain('deploying &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(run.html).toContain('<a href="https://ci.example.test/1" rel="noreferrer noopener" class="run-link">');
    const body = text(run.html);
    expect(body).toContain('✗ failure');
    expect([...run.html.matchAll(/<tr><td><time[^>]*>[^<]*<\/time><\/td><td>(\w+)<\/td>/g)].map((m) => m[1])).toEqual(['created', 'claimed', 'acknowledged', 'log', 'patched']);
    expect((await page('/run?id=r_missing')).status).toBe(404);
  });
});
