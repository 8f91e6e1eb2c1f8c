import { createTide, type CreateTideOptions, type IntegrationDefinition, type Tide } from '../../src/index.ts';
import { configureOrThrow, consoleWrite, createRedactor, createRuntimeLogger, type Logger } from '../../src/runtime/index.ts';

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
