/**
 * The action agent on a runtime without a long-lived process (a Worker's Durable Object): each cron tick wakes
 * the integration's actions object, whose alarm runs one session of the agent: it claims and executes until
 * nothing is claimed, queued or executing (docs/behaviour.md §11.5). The runs it acknowledged are journalled in
 * the object's storage with the instance that runs them, so that when an object dies with runs in hand (evicted,
 * redeployed), its successor reports them failed as interrupted instead of leaving them IN_PROGRESS.
 */
import type { ActionAgent, RunJournal, RunRef } from '../actions/index.ts';
import type { Logger } from '../logging/logger.ts';

/** A session that has claimed for this long stops claiming, finishes its runs and hands over to the next alarm. */
export const ACTIONS_SESSION_MS = 10 * 60_000;

const JOURNAL_KEY = 'actions:executing';

/** What the host keeps between invocations, and how it asks to be called again. */
export interface ActionsStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  setAlarm(at: number): Promise<void>;
}

export interface ActionsHostStatus {
  /** A session runs in this instance. */
  session: boolean;
  queued: number;
  executing: number;
  /** Runs journalled as executing, by id, with the instance that acknowledged them. */
  journal: Record<string, { kind: RunRef['kind']; instance: string }>;
  lastSession?: { startedAt: string; endedAt: string; idle: boolean; error?: string };
}

export interface ActionsHost {
  /** The cron tick: arm the alarm now unless a session already runs. */
  wake(): Promise<{ armed: boolean }>;
  /** One session (the alarm). Never throws: the runtime would retry the alarm blindly. */
  alarm(): Promise<void>;
  status(): ActionsHostStatus;
}

/** The journal a host's agent writes: one entry per acknowledged, unreported run, tagged with `instance`. */
export function createRunJournal(store: Pick<ActionsStore, 'get' | 'set'>, instance: string): RunJournal {
  const read = () => store.get<ActionsHostStatus['journal']>(JOURNAL_KEY) ?? {};
  return {
    begin(run) {
      store.set(JOURNAL_KEY, { ...read(), [run.id]: { kind: run.kind, instance } });
    },
    end(runId) {
      const { [runId]: _, ...rest } = read();
      store.set(JOURNAL_KEY, rest);
    },
  };
}

export interface ActionsHostOptions {
  /** The agent, built with `createRunJournal(store, instance)` as its journal. */
  agent: ActionAgent;
  store: ActionsStore;
  /** This object instance's id, the one given to the journal. */
  instance: string;
  logger: Logger;
  sessionMs?: number;
  /** The pause before the next session after a failed one, in ms. */
  retryMs?: number;
  now?: () => number;
}

export function createActionsHost(o: ActionsHostOptions): ActionsHost {
  const { agent, store, logger } = o;
  const now = o.now ?? Date.now;
  let session: Promise<void> | undefined;

  /** Runs acknowledged by an instance that no longer runs: it died with them. */
  async function reportOrphans(): Promise<void> {
    const journal = store.get<ActionsHostStatus['journal']>(JOURNAL_KEY) ?? {};
    const orphans = Object.entries(journal)
      .filter(([, e]) => e.instance !== o.instance)
      .map(([id, e]): RunRef => ({ id, kind: e.kind }));
    if (orphans.length) await agent.reportInterrupted(orphans);
  }

  async function run(): Promise<void> {
    const startedAt = new Date(now()).toISOString();
    let idle = false;
    let error: string | undefined;
    try {
      await reportOrphans();
      ({ idle } = await agent.runUntilIdle({ maxMs: o.sessionMs ?? ACTIONS_SESSION_MS }));
      if (!idle) await store.setAlarm(now());
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      logger.error('[tide] actions: the session failed; the next alarm tries again', { error });
      await store.setAlarm(now() + (o.retryMs ?? 10_000)).catch(() => {});
    }
    store.set('actions:lastSession', { startedAt, endedAt: new Date(now()).toISOString(), idle, ...(error ? { error } : {}) });
  }

  return {
    async wake() {
      if (session) return { armed: false };
      await store.setAlarm(now());
      return { armed: true };
    },
    async alarm() {
      if (session) return session;
      session = run().finally(() => (session = undefined));
      return session;
    },
    status: () => ({
      session: session !== undefined,
      queued: agent.queued,
      executing: agent.executing,
      journal: store.get<ActionsHostStatus['journal']>(JOURNAL_KEY) ?? {},
      lastSession: store.get<ActionsHostStatus['lastSession']>('actions:lastSession'),
    }),
  };
}
