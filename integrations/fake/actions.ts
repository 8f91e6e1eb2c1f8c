/**
 * The fake integration's self-service action (docs/behaviour.md §11): `fake_echo` posts `echo: <message>` to the
 * run and succeeds, or with `fail: true` fails with the message. The other execution properties show the agent at
 * work on any runtime: `link` marks the run started with that link, `delayMs` makes it take that long (honouring
 * the run's signal) and log when it waited, `timeoutSeconds` bounds it, and runs with the same `partition` run one
 * after another.
 */
import { ActionError, DEFAULT_ACTION_TIMEOUT_SECONDS, z, type ActionDefinition } from 'port-tide';

export const fakeEchoProperties = z.looseObject({
  message: z.string().default(''),
  fail: z.boolean().default(false),
  link: z.url().optional(),
  delayMs: z.int().min(0).max(3_600_000).optional(),
  timeoutSeconds: z.number().positive().default(DEFAULT_ACTION_TIMEOUT_SECONDS),
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
  timeoutSeconds: (run) => run.properties.timeoutSeconds,
  async run(run, ctx) {
    const { message, fail, delayMs, link } = run.properties;
    if (fail) throw new ActionError(message || 'fake_echo failed, as the run asked');
    if (link) await ctx.update({ link });
    await ctx.log(`echo: ${message}`);
    if (delayMs !== undefined) {
      const from = new Date().toISOString();
      await wait(delayMs, ctx.signal);
      // Both ends of the wait, as the executor saw them: what a test compares to find overlapping runs.
      await ctx.log(`waited ${delayMs} ms from ${from} to ${new Date().toISOString()}`);
    }
  },
};
