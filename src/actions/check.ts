/** The shape checks `defineIntegration` makes of `actions` (docs/behaviour.md §11.5): mistakes fail at import, naming the type. */

const isSchema = (value: unknown): boolean => typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function';

/** A positive, finite number of seconds. */
export const isPositive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/** Throws a `TypeError` naming the action type and the field for the first malformed executor. */
export function checkActionDefinitions(actions: unknown): void {
  if (actions === undefined) return;
  if (!actions || typeof actions !== 'object' || Array.isArray(actions)) throw new TypeError('defineIntegration: `actions` must be an object of action types → executors');
  for (const [type, def] of Object.entries(actions as Record<string, unknown>)) {
    const at = `defineIntegration: action "${type}"`;
    if (type.trim() === '') throw new TypeError('defineIntegration: an action type must be a non-empty string');
    if (!def || typeof def !== 'object') throw new TypeError(`${at} needs an object with a run(run, ctx) function`);
    const d = def as Record<string, unknown>;
    if (typeof d.run !== 'function') throw new TypeError(`${at} needs a run(run, ctx) function`);
    if (d.partitionKey !== undefined && typeof d.partitionKey !== 'function') throw new TypeError(`${at}: partitionKey must be a function (run) => string`);
    if (d.properties !== undefined && !isSchema(d.properties)) throw new TypeError(`${at}: properties must be a zod schema`);
    if (d.timeoutSeconds !== undefined && typeof d.timeoutSeconds !== 'function' && !isPositive(d.timeoutSeconds)) {
      throw new TypeError(`${at}: timeoutSeconds must be a positive number of seconds or a function (run) => seconds, got ${JSON.stringify(d.timeoutSeconds)}`);
    }
    if (d.rateLimit !== undefined) {
      const r = d.rateLimit as Record<string, unknown> | null;
      if (!r || typeof r.isNear !== 'function' || typeof r.waitSeconds !== 'function') {
        throw new TypeError(`${at}: rateLimit must be { isNear(run, ctx), waitSeconds(run, ctx) }`);
      }
    }
  }
}
