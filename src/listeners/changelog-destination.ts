/**
 * The `changelogDestination` Tide sends to Port for each listener type (docs/port-api.md §12.1,
 * docs/behaviour.md §5.1, conformance 33). Port uses it to decide where change notifications go.
 */
import type { EventListenerType } from '../config/index.ts';
import { RESYNC_ROUTE_PATH } from './webhook.ts';

/** `{}`, `{"type":"KAFKA"}` or `{"type":"WEBHOOK","url":"{appHost}/resync"}`. */
export type ChangelogDestination = Record<string, never> | { type: 'KAFKA' } | { type: 'WEBHOOK'; url: string };

/**
 * The destination for `type`. WEBHOOK needs `appHost` (`eventListener.appHost`, already validated as
 * a URL with one trailing `/` removed by the settings loader) and throws without it.
 *
 * @example changelogDestination('WEBHOOK', { appHost: 'https://tide.example.com' }) // { type: 'WEBHOOK', url: 'https://tide.example.com/resync' }
 */
export function changelogDestination(type: EventListenerType, options: { appHost?: string } = {}): ChangelogDestination {
  switch (type) {
    case 'KAFKA':
      return { type: 'KAFKA' };
    case 'WEBHOOK':
      if (!options.appHost) {
        throw new TypeError('[tide] WEBHOOK listener: eventListener.appHost (OCEAN__EVENT_LISTENER__APP_HOST) is required');
      }
      return { type: 'WEBHOOK', url: options.appHost + RESYNC_ROUTE_PATH };
    case 'POLLING':
    case 'ONCE':
    case 'WEBHOOKS_ONLY':
    case 'ACTIONS_ONLY':
      return {};
  }
}
