/**
 * The fake integration's self-service action (docs/behaviour.md §11): `fake_echo` posts `echo: <message>` to the
 * run and succeeds, or with `fail: true` fails with the message. `delayMs` makes it take that long (honouring
 * the run's signal) and log when it waited, and `partition` makes runs with the same value run one after another:
 * enough to watch timeouts, partitions and shutdowns on any runtime.
 */
import { ActionError, z, type ActionDefinition } from '../../src/index.ts';

/** The bound on one `fake_echo` run: a run with a longer `delayMs` times out. */
export const FAKE_ECHO_TIMEOUT_SECONDS = 5;

export const fakeEchoProperties = z.looseObject({
  message: z.string().default(''),
  fail: z.boolean().default(false),
  delayMs: z.int().min(0).max(600_000).optional(),
  partition: z.string().min(1).optional(),
});

/** Resolves after `ms`, or rejects with the signal's reason once it fires. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const fakeEcho: ActionDefinition<unknown, typeof fakeEchoProperties> = {
  properties: fakeEchoProperties,
  partitionKey: (run) => run.properties.partition,
  timeoutSeconds: FAKE_ECHO_TIMEOUT_SECONDS,
  async run(run, ctx) {
    const { message, fail, delayMs } = run.properties;
    if (fail) throw new ActionError(message || 'fake_echo failed, as the run asked');
    await ctx.log(`echo: ${message}`);
    if (delayMs !== undefined) {
      const from = new Date().toISOString();
      await wait(delayMs, ctx.signal);
      // Both ends of the wait, as the executor saw them: what a test compares to find overlapping runs.
      await ctx.log(`waited ${delayMs} ms from ${from} to ${new Date().toISOString()}`);
    }
  },
};
