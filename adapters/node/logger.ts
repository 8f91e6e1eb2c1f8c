import { createLineLogger, streamOf, type LineLoggerOptions, type Logger, type Stream } from '../../src/runtime/index.ts';

export { normaliseLevel } from '../../src/runtime/index.ts';

/** Options of {@link createNodeLogger}: the core's line options, with stdout/stderr as the default sink. */
export type NodeLoggerOptions = Omit<LineLoggerOptions, 'write'> & { write?: LineLoggerOptions['write'] };

/**
 * The core's line logger (every whole line redacted), writing warnings and errors to stderr, the rest to stdout.
 *
 * @example
 * const logger = createNodeLogger({ level: settings.application.logLevel, format: 'json', redact: createRedactor(secrets) });
 */
export function createNodeLogger(options: NodeLoggerOptions = {}): Logger {
  return createLineLogger({ ...options, write: options.write ?? ((line, level) => writeLine(line, streamOf(level))) });
}

/** One line to stdout or stderr. */
export const writeLine = (line: string, stream: Stream): void => void (stream === 'err' ? process.stderr : process.stdout).write(`${line}\n`);
