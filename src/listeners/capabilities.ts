/** What each listener type does (docs/behaviour.md §5.1), in one place for startup checks and wiring. */
import type { EventListenerType } from '../config/index.ts';

/** Whether a listener type ever runs a resync; when it does, startup requires resync handlers (§4.1). */
export function listenerResyncs(type: EventListenerType): boolean {
  return type !== 'WEBHOOKS_ONLY' && type !== 'ACTIONS_ONLY';
}

/** Whether the scheduled timer (§5.6) applies: to the listeners that keep running and resync. */
export function listenerUsesSchedule(type: EventListenerType): boolean {
  return type === 'POLLING' || type === 'WEBHOOK' || type === 'KAFKA';
}

/** Whether live events may run (§5.1, §6.1); they also need `baseUrl`, which is checked elsewhere. */
export function listenerProcessesLiveEvents(type: EventListenerType): boolean {
  return type !== 'ONCE' && type !== 'ACTIONS_ONLY';
}

/** Whether the action agent may run beside this listener (§5.1, §11.1): never under ONCE or WEBHOOKS_ONLY. */
export function listenerRunsActions(type: EventListenerType): boolean {
  return type === 'POLLING' || type === 'WEBHOOK' || type === 'KAFKA' || type === 'ACTIONS_ONLY';
}
