/** Whether live events run at all (docs/behaviour.md §6.1), and the reasons the route gives when they do not. */

/** The two reasons Tide gives for disabled live events (§6.1). */
export const DISABLED_REASONS = Object.freeze({
  noBaseUrl: 'baseUrl not set: set OCEAN__BASE_URL to the public URL of this integration',
  once: 'listener ONCE does not process live events',
  actionsOnly: 'listener ACTIONS_ONLY does not process live events',
});

/**
 * Whether live events are enabled (§6.1): `baseUrl` (or the deprecated `appHost`) set, and a listener that
 * processes webhooks (all but ONCE).
 */
export function liveEventsEnablement(opts: { baseUrl?: string | null; listenerType: string }): true | { reason: string } {
  if (opts.listenerType.toUpperCase() === 'ONCE') return { reason: DISABLED_REASONS.once };
  if (opts.listenerType.toUpperCase() === 'ACTIONS_ONLY') return { reason: DISABLED_REASONS.actionsOnly };
  if (!opts.baseUrl) return { reason: DISABLED_REASONS.noBaseUrl };
  return true;
}
