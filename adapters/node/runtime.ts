import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPortEmulator } from '../../emulator/index.ts';
import type { EmbeddedPort } from '../../src/runtime/index.ts';

const EMBEDDED_CLIENT_ID = 'tide-embedded';

/**
 * The local Port `tide sail` starts when no Port credentials are set: the emulator on 127.0.0.1 (a free
 * port) over `{cwd}/.tide/port.db`, so the catalog survives restarts. The client id is fixed (the
 * emulator upserts credentials by id, so runs do not pile up rows); the secret is fresh per run.
 */
export async function startEmbeddedPort(cwd: string): Promise<EmbeddedPort> {
  mkdirSync(join(cwd, '.tide'), { recursive: true });
  const clientSecret = randomBytes(24).toString('hex');
  const emulator = createPortEmulator({ db: join(cwd, '.tide', 'port.db'), credentials: [{ clientId: EMBEDDED_CLIENT_ID, clientSecret }] });
  try {
    const url = await emulator.listen(0);
    return {
      url,
      clientId: EMBEDDED_CLIENT_ID,
      clientSecret,
      dbFile: '.tide/port.db',
      keepReport: (identifier, report) => emulator.recordResyncReport(identifier, report),
      close: () => emulator.close(),
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
