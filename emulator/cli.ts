import { parseArgs } from 'node:util';
import { createPortEmulator } from './index.ts';
import type { UiOptions } from './ui/types.ts';

/**
 * `npm run port-local` / `tide port-local`: the local Port emulator as a standalone server on
 * 127.0.0.1, enforcing Port's rate limits unless told otherwise.
 */
export const DEFAULT_CLIENT_ID = 'tide-local';
export const DEFAULT_CLIENT_SECRET = 'tide-local-secret';

const USAGE = `Usage: port-local [--port 5555] [--db .tide/port.db] [--client-id ID] [--client-secret SECRET]
                  [--rate-limits port|off] [--rate-limit-scale N] [--strict-properties] [--admin-token T]
                  [--no-op-updated-at bump|keep]`;

/** `extra.ui` wires the playground's mapping engine (the `tide` CLI passes Tide's own). */
export async function runPortLocal(argv: string[], extra: { ui?: UiOptions } = {}): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '5555' },
        db: { type: 'string', default: '.tide/port.db' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'rate-limits': { type: 'string', default: 'port' },
        'rate-limit-scale': { type: 'string', default: '1' },
        'strict-properties': { type: 'boolean', default: false },
        'admin-token': { type: 'string' },
        'no-op-updated-at': { type: 'string', default: 'bump' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // Number('') and Number(' ') are 0: accept digits only.
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: expected an integer 0..65535, got "${values.port}"`);
  if (values['rate-limits'] !== 'port' && values['rate-limits'] !== 'off')
    fail(`--rate-limits: expected "port" or "off", got "${values['rate-limits']}"`);
  const scale = values['rate-limit-scale'].trim() === '' ? NaN : Number(values['rate-limit-scale']);
  if (!(scale > 0) || !Number.isFinite(scale)) fail(`--rate-limit-scale: expected a positive number, got "${values['rate-limit-scale']}"`);
  const noOp = values['no-op-updated-at'];
  if (noOp !== 'bump' && noOp !== 'keep') fail(`--no-op-updated-at: expected "bump" or "keep", got "${noOp}"`);
  const defaulted = values['client-id'] === undefined && values['client-secret'] === undefined;
  if (!defaulted && (values['client-id'] === undefined || values['client-secret'] === undefined))
    fail('--client-id and --client-secret go together: give both or neither');
  const clientId = values['client-id'] ?? DEFAULT_CLIENT_ID;
  const clientSecret = values['client-secret'] ?? DEFAULT_CLIENT_SECRET;

  const emulator = createPortEmulator({
    db: values.db,
    credentials: [{ clientId, clientSecret }],
    rateLimits: values['rate-limits'] === 'off' ? 'none' : 'port',
    rateLimitScale: scale,
    strictProperties: values['strict-properties'],
    adminToken: values['admin-token'],
    ui: extra.ui ?? {},
    noOpUpdatedAt: noOp,
  });
  const url = await emulator.listen(port);
  console.log(`Tide local Port emulator listening on ${url}`);
  console.log(`  database: ${values.db}`);
  console.log(`  rate limits: ${values['rate-limits'] === 'off' ? 'off' : `Port's published limits${scale !== 1 ? ` x${scale}` : ''}`}`);
  if (noOp === 'keep') console.log('  writes that change nothing keep updatedAt');
  if (defaulted) console.log(`  credentials (defaults): OCEAN__PORT__CLIENT_ID=${clientId} OCEAN__PORT__CLIENT_SECRET=${clientSecret}`);
  else console.log(`  credentials: client id ${clientId} (secret as given)`);
  console.log(`  use it with: OCEAN__PORT__BASE_URL=${url}`);
  console.log(`  web UI: ${url}/${extra.ui?.evaluate ? '' : ' (mapping playground off: start it with `tide port-local` for that)'}`);

  const stop = async () => {
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function fail(message: string): never {
  console.error(`port-local: ${message}`);
  process.exit(2);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('emulator/cli.ts')) {
  runPortLocal(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`port-local: ${(err as Error).message}`);
    process.exit(1);
  });
}
