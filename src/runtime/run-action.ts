/**
 * One action run, start to end, against an emulator (`tide actions run`, and tests of an integration's
 * executors): the run is created through the emulator's controls (docs/port-api.md §13.6) as Port creates it for
 * an INTEGRATION_ACTION action, the integration's agent claims and executes it, and the run is read back.
 */
import type { Tide } from '../integration/index.ts';

/** The run as it ended, read back through `GET /_emulator/runs/{id}`. */
export interface LocalRunResult {
  id: string;
  status: string;
  link: string[];
  logs: string[];
  /** The whole run as the emulator shows it (history included). */
  run: Record<string, unknown>;
}

export interface RunActionOptions {
  /** A Tide whose action agent is on (`tide.actions`). */
  tide: Tide;
  /**
   * Calls `/_emulator{path}` of the emulator that serves as this Tide's Port, whatever the status: the `control`
   * of `emulatorClient` (`port-tide/testing`).
   */
  controls(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  type: string;
  /** The run's execution properties. */
  properties?: Record<string, unknown>;
  /** The Port action's identifier (default: the type). */
  action?: string;
  /** Bound on the wait for the run to end (default 10 minutes). */
  timeoutMs?: number;
  /** Called once the run is created. */
  onCreated?(id: string): void;
}

async function ok(answer: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const { status, body } = await answer;
  if (status < 200 || status >= 300) throw new Error(`${what}: the emulator answered ${status} ${JSON.stringify(body)?.slice(0, 300)}`);
  return body;
}

/** Create the run, let the agent claim and execute it, and resolve once it has ended (or was left pending). */
export async function runActionLocally(o: RunActionOptions): Promise<LocalRunResult> {
  const agent = o.tide.actions;
  if (!agent) throw new Error('[tide] the action agent is off: set OCEAN__ACTIONS_PROCESSOR__ENABLED=true and a listener other than ONCE or WEBHOOKS_ONLY');
  const { run } = await ok(
    o.controls('POST', '/actions/runs', {
      installationId: o.tide.settings.integration.identifier,
      type: o.type,
      executionProperties: o.properties ?? {},
      ...(o.action ? { action: o.action } : {}),
    }),
    'creating the run',
  );
  const id = run.id as string;
  o.onCreated?.(id);
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  const read = async () => (await ok(o.controls('GET', `/runs/${encodeURIComponent(id)}`), `reading run ${id}`)).run as Record<string, any>;
  for (;;) {
    await agent.poll();
    // Read before the run: an agent idle then has finished with every run it acknowledged before.
    const idle = agent.executing === 0 && agent.queued === 0;
    const now = await read();
    // Ended, or acknowledged with nothing left executing: an executor that returned `pending` leaves it there.
    const settled = now.status !== 'IN_PROGRESS' || (idle && now.pendingExecution === false);
    if (settled) return { id, status: now.status, link: now.link ?? [], logs: (now.logs ?? []).map((l: { message?: string }) => l.message ?? ''), run: now };
    if (Date.now() > deadline) throw new Error(`[tide] run ${id} did not end within ${Math.round((o.timeoutMs ?? 600_000) / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
