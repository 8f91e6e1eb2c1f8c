import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test-helpers.ts';
import { createPortClient, PortApiError } from './index.ts';

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup() {
  t = await startEmulator();
  await t.admin('POST', '/seed', { integrations: [{ identifier: 'my-jira', installationAppType: 'jira', config: { resources: [] } }] });
  const port = createPortClient({ baseUrl: t.baseUrl, ...TEST_CREDENTIALS, userAgent: { type: 'jira', version: '1', identifier: 'my-jira' }, fetch: t.emulator.fetch as typeof fetch, sleep: async () => {} });
  const calls = async () =>
    ((await t!.admin('GET', '/requests?path=/v1/integration/my-jira/cursor')).body.requests as Array<{ method: string; query: Record<string, string>; status: number; body: unknown }>).map(
      (r) => [r.method, r.query.kind, r.query.index, r.status, r.body],
    );
  return { port, calls };
}

// docs/port-api.md §11.8 and conformance point 46: GET, then PUT, then POST after exactly a 404.
describe('Port cursor routes', () => {
  it('reads none, creates with PUT then POST, then updates with PUT alone; a kind with "/" travels in the query', async () => {
    const { port, calls } = await setup();
    expect(await port.getCursor('my-jira', 'a/b', 2)).toBeUndefined();
    await port.putCursor('my-jira', 'a/b', 2, '2026-05-01T10:00:00.000Z');
    await port.putCursor('my-jira', 'a/b', 2, '2026-05-01T11:00:00.000Z');
    expect(await port.getCursor('my-jira', 'a/b', 2)).toMatchObject({ kind: 'a/b', index: 2, primary: '2026-05-01T11:00:00.000Z' });
    expect(await calls()).toEqual([
      ['GET', 'a/b', '2', 200, null],
      ['PUT', 'a/b', '2', 404, { primary: '2026-05-01T10:00:00.000Z' }],
      ['POST', 'a/b', '2', 201, { primary: '2026-05-01T10:00:00.000Z' }],
      ['PUT', 'a/b', '2', 200, { primary: '2026-05-01T11:00:00.000Z' }],
      ['GET', 'a/b', '2', 200, null],
    ]);
  });

  it('a missing integration is an error, never "no cursor"', async () => {
    const { port } = await setup();
    await expect(port.getCursor('nobody', 'issue', 0)).rejects.toBeInstanceOf(PortApiError);
    await expect(port.putCursor('nobody', 'issue', 0, '2026-05-01T10:00:00.000Z')).rejects.toMatchObject({ status: 404, method: 'POST' });
  });
});
