/**
 * The WEBHOOKS_ONLY listener (docs/behaviour.md §5.5): live events only. It never resyncs: no resync on
 * start, no scheduled timer, and resync handlers are not required. It therefore takes no trigger.
 */

/** A listener with nothing to start or stop. */
export interface WebhooksOnlyListener {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Create the WEBHOOKS_ONLY listener.
 *
 * @example await createWebhooksOnlyListener().start(); // live events are served by the server alone
 */
export function createWebhooksOnlyListener(): WebhooksOnlyListener {
  return { start: async () => {}, stop: async () => {} };
}
