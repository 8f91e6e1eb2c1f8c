import { createLineLogger, type Level, type LineLoggerOptions } from '../../src/logging/lines.ts';
import type { Logger } from '../../src/logging/logger.ts';

export { normaliseLevel } from '../../src/logging/lines.ts';

/** Options of {@link createNodeLogger}: the core's line options, with stdout/stderr as the default sink. */
export type NodeLoggerOptions = Omit<LineLoggerOptions, 'write'> & { write?: LineLoggerOptions['write'] };

const defaultWrite = (line: string, level: Level): void => {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

/**
 * The Node adapter's logger. Every line passes through `redact` as a whole, after formatting, so
 * secrets inside field values, error messages or nested objects never reach the terminal.
 *
 * @example
 * const logger = createNodeLogger({ level: settings.application.logLevel, format: 'json',
 *   redact: createRedactor(sensitiveValues(settings, spec)) });
 */
export function createNodeLogger(options: NodeLoggerOptions = {}): Logger {
  return createLineLogger({ ...options, write: options.write ?? defaultWrite });
}
