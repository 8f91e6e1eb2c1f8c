/**
 * Shared by the integration-route contract tests (contract-integrations.test.ts, contract-changelog.test.ts):
 * the emulator of the running test and helpers over it. docs/port-api.md §11, §12.3, §13.5.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { seg, startEmulator, type TestEmulator } from './test-helpers.ts';

export const FLAG = 'OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED';
export const CHANGE_LOG = 'org_emulator.change.log';
export const RESYNC_TOPIC = 'org_emulator.integration.resync.requests';

export interface Outbox {
  seq: number;
  at: string;
  topic: string;
  key: string;
  message: any;
  webhook?: { url: string; status?: number; error?: string };
}

/** The emulator of the running test (a fresh one per test, after {@link useEmulator}). */
export let t: TestEmulator;

/** A fresh in-process emulator for every test of the calling file. */
export function useEmulator(): void {
  beforeEach(async () => {
    t = await startEmulator();
  });
  afterEach(async () => {
    await t.close();
  });
}

export const createBody = (id = 'my-jira', extra: Record<string, unknown> = {}) => ({
  installationId: id,
  installationAppType: 'jira',
  version: '0.3.1',
  changelogDestination: {},
  config: { deleteDependentEntities: true, resources: [] },
  ...extra,
});

export async function create(id = 'my-jira', extra: Record<string, unknown> = {}): Promise<any> {
  const r = await t.call('POST', '/v1/integration', createBody(id, extra));
  expect(r.status).toBe(201);
  return r.body.integration;
}

export const resyncRequest = async (id = 'my-jira') => (await t.call('GET', `/v1/integration/${seg(id)}/resync-request`)).body.request;
export const changelog = async (since = 0): Promise<Outbox[]> => (await t.admin('GET', `/changelog?since=${since}`)).body.events;
export const lastSeq = async () => (await changelog()).at(-1)?.seq ?? 0;

export function expectEnvelope(r: { status: number; body: any }, status: number, error: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ ok: false, error, message: expect.any(String) });
}
