import { createTide, type CreateTideOptions, type IntegrationDefinition, type Tide } from '../../src/index.ts';
import { configure, configureOrThrow, consoleWrite, createRedactor, createRuntimeLogger, formatSettingsErrors, type Logger } from '../../src/runtime/index.ts';

/**
 * A Tide from the Worker's bindings: the same `OCEAN__…` settings as everywhere (only string bindings
 * are settings), JSON log lines on the console at `APPLICATION__LOG_LEVEL`, every secret masked.
 */
export function workerTide(integration: IntegrationDefinition<any>, env: Record<string, unknown>, extra: Partial<CreateTideOptions> = {}): { tide: Tide; logger: Logger } {
  const bindings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const c = configureOrThrow({ definition: integration, env: bindings });
  const redact = createRedactor(c.secrets);
  const logger = createRuntimeLogger({ settings: c.settings, redact, format: 'json', write: consoleWrite }).child({ integration: c.settings.integration.identifier });
  for (const w of c.warnings) logger.warn(w);
  return { tide: createTide({ integration: c.integration, settings: c.settings, spec: c.spec, logger, env: c.env, ...extra }), logger };
}

/**
 * Why a Worker with these bindings cannot run, or `undefined` when it can: invalid settings (each named,
 * values masked), or no Port credentials at all (a Worker has no embedded Port to fall back on).
 */
export function unconfiguredReason(integration: IntegrationDefinition<any>, env: Record<string, unknown>): string | undefined {
  const bindings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const c = configure({ definition: integration, env: bindings });
  if (!c.ok) return `invalid settings: ${formatSettingsErrors(c.errors).split('\n').join('; ')}`;
  if (c.settings.port.mode === 'embedded')
    return (
      'Port credentials are not set: add the secrets OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET ' +
      '(npx wrangler secret put OCEAN__PORT__CLIENT_ID; for wrangler dev, put them in .dev.vars)'
    );
  return undefined;
}
