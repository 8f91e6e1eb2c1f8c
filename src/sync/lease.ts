/**
 * One resync of an integration at a time across hosts (docs/behaviour.md §4.8). Two instances of the same
 * integration may share nothing but Port, so the lease is Port's resync state: a resync that finds another
 * resync `running` there, renewed within {@link RESYNC_LEASE_MS} by Port's clock, **refuses**: it writes
 * nothing (no entity, no resync state) and fails. A running resync renews its state at page boundaries every
 * {@link LEASE_RENEW_MS}, and checks before each renewal and before reconciling that the running state is
 * still its own (`lastResyncStart`): when another instance took it over (both started at once, or this one
 * was stalled past the lease), it stops like a superseded resync, deleting nothing.
 *
 * A running state this instance left behind (killed mid-resync) is recognised as its own through the
 * StateStore, so a rerun never waits for the lease to expire.
 */
import type { StateStore } from '../state/index.ts';
import { onPortClock } from './port-clock.ts';
import type { CallContext, SyncPort } from './port.ts';

/** A `running` resync state renewed less than this long ago (by Port's clock) is another instance's live resync. */
export const RESYNC_LEASE_MS = 5 * 60_000;
/** How often a running resync renews its state (at page boundaries). */
export const LEASE_RENEW_MS = 60_000;
const KEY = 'resync/lease';

interface LeaseDeps {
  port: Pick<SyncPort, 'getIntegration' | 'clockOffset'>;
  state: StateStore;
  now: () => number;
  settings: { integration: { identifier: string } };
}

const sameInstant = (a: unknown, b: string): boolean => typeof a === 'string' && Date.parse(a) === Date.parse(b);

/**
 * Before a resync writes anything: why it must not run (another instance holds the lease), or undefined. A
 * failed read never blocks a resync.
 */
export async function otherInstanceResyncing(deps: LeaseDeps, context: CallContext): Promise<string | undefined> {
  const identifier = deps.settings.integration.identifier;
  let state: Record<string, unknown> | null | undefined;
  try {
    state = (await deps.port.getIntegration(identifier, context))?.resyncState;
  } catch {
    return undefined;
  }
  if (state?.status !== 'running' || typeof state.lastResyncStart !== 'string') return undefined;
  const start = state.lastResyncStart;
  const own = await deps.state.get<{ lastResyncStart: string }>(KEY);
  if (own && sameInstant(start, own.lastResyncStart)) return undefined;
  const renewed = Date.parse(typeof state.updatedAt === 'string' ? state.updatedAt : start);
  // On Port's clock, placed no later than Port's answers allow: a doubtful age counts as younger, so doubt refuses.
  const age = onPortClock(deps.now(), deps.port.clockOffset?.()) - renewed;
  if (!Number.isFinite(renewed) || age > RESYNC_LEASE_MS) return undefined;
  return (
    `another instance of integration "${identifier}" is resyncing (Port shows a resync running since ${start}, renewed ${Math.max(0, Math.round(age / 1000))} s ago); ` +
    'this resync writes nothing. Run one instance per integration identifier'
  );
}

/** The resync that just reported `running` with `startedAt` holds the lease. */
export async function takeLease(deps: Pick<LeaseDeps, 'state'>, startedAt: string): Promise<void> {
  await deps.state.set(KEY, { lastResyncStart: startedAt });
}

/** Whether Port's running state is still this resync's; the reason when another instance took it over. */
export async function leaseLost(deps: LeaseDeps, startedAt: string, context: CallContext): Promise<string | undefined> {
  let state: Record<string, unknown> | null | undefined;
  try {
    state = (await deps.port.getIntegration(deps.settings.integration.identifier, context))?.resyncState;
  } catch {
    return undefined;
  }
  if (!state || sameInstant(state.lastResyncStart, startedAt)) return undefined;
  return `superseded by another instance: Port shows a resync started at ${String(state.lastResyncStart)} (${String(state.status)}), not this one's of ${startedAt}`;
}

/** At shutdown: whether Port's `running` state is one this instance started (only then is it reported aborted). */
export async function ownsRunningState(deps: LeaseDeps, state: Record<string, unknown> | null | undefined): Promise<boolean> {
  if (state?.status !== 'running') return false;
  const own = await deps.state.get<{ lastResyncStart: string }>(KEY);
  return own !== undefined && sameInstant(state.lastResyncStart, own.lastResyncStart);
}
