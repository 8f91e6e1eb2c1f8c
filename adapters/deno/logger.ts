import { createLineLogger, type Level, type LineLoggerOptions } from '../../src/logging/lines.ts';
import type { Logger } from '../../src/logging/logger.ts';

export { normaliseLevel } from '../../src/logging/lines.ts';

/** Options of {@link createDenoLogger}: the core's line options, with the console as the default sink. */
export type DenoLoggerOptions = Omit<LineLoggerOptions, 'write'> & { write?: LineLoggerOptions['write'] };

/** The Deno adapter's logger: the same line formats as the Node adapter's, written with `console`. */
export function createDenoLogger(options: DenoLoggerOptions = {}): Logger {
  const write = (line: string, level: Level) => (level === 'warn' || level === 'error' ? console.error(line) : console.log(line));
  return createLineLogger({ ...options, write: options.write ?? write });
}
