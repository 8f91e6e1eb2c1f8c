import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract: the emulator's admin token on its controls (docs/port-api.md §13). */

const JSON_TYPE = 'application/json; charset=utf-8';

/** AdminToken, run by emulator/contract.test.ts over each transport. */
export function adminToken(transport: Transport): void {
  describe('adminToken', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport, adminToken: 'admin-s3cret' });
    });
    afterEach(async () => {
      await t.close();
    });

    it('every admin call must send x-emulator-admin-token; /v1 routes do not need it', async () => {
      const missing = await t.fetch('/_emulator/faults');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('content-type')).toBe(JSON_TYPE);
      expect(await missing.json()).toEqual({ ok: false, error: 'unauthorized', message: expect.any(String) });
      const wrong = await t.fetch('/_emulator/reset', { method: 'POST', headers: { 'x-emulator-admin-token': 'guess' } });
      expect(wrong.status).toBe(401);
      const right = await t.fetch('/_emulator/faults', { headers: { 'x-emulator-admin-token': 'admin-s3cret' } });
      expect(right.status).toBe(200);
      expect((await t.call('GET', '/v1/organization')).status).toBe(200);
    });
  });
}
