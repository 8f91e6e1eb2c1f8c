/**
 * Test support for the action agent: an emulator in process, a Port client on it, runs created and read back
 * through the docs/port-api.md §13.6 controls, and an agent built with test settings (short polls, short drains).
 */
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test-helpers.ts';
import type { ActionsProcessorSettings } from '../config/index.ts';
import { createMemoryLogger, type Logger } from '../logging/logger.ts';
import { createPortClient, type PortClient } from '../port/index.ts';
import { createMemoryStateStore } from '../state/index.ts';
import { createHttpClient } from '../http/index.ts';
import type { ContractRun } from '../testing/actions-contract.ts';
import { createPortActionAgent, type ActionAgent, type ActionDefinitions } from './index.ts';

export const INSTALLATION = 'my-actions';

export const TEST_SETTINGS: ActionsProcessorSettings = {
  enabled: true,
  pollCheckIntervalSeconds: 1,
  workersCount: 3,
  runsBufferHighWatermark: 300,
  maxRunsBufferUtilPctPerAction: 30,
  visibilityTimeoutMs: 60_000,
};

/** A run as `GET /_emulator/runs/:id` returns it. */
export interface AdminRun extends ContractRun {
  links?: string[];
  history: Array<{ type: string; body?: unknown }>;
}

export interface ActionsBench {
  t: TestEmulator;
  port(): PortClient;
  agent(actions: ActionDefinitions, o?: { settings?: Partial<ActionsProcessorSettings>; drainMs?: number; logger?: Logger; installationId?: string }): ActionAgent;
  createRun(type: string, executionProperties?: Record<string, unknown>, extra?: Record<string, unknown>): Promise<string>;
  createNodeRun(type: string, executionProperties?: Record<string, unknown>, extra?: Record<string, unknown>): Promise<string>;
  run(id: string): Promise<AdminRun>;
  /** Wait until the run has ended (bounded; not a timing assertion). */
  ended(id: string, timeoutMs?: number): Promise<AdminRun>;
  logs(id: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function actionsBench(): Promise<ActionsBench> {
  const t = await startEmulator();
  const agents: ActionAgent[] = [];
  const port = () =>
    createPortClient({
      baseUrl: t.baseUrl,
      ...TEST_CREDENTIALS,
      userAgent: { type: 'test', version: '0.0.1', identifier: INSTALLATION },
      fetch: (input, init) => t.emulator.fetch(input as string, init),
    });
  const run = async (id: string): Promise<AdminRun> => {
    const r = await t.admin('GET', `/runs/${id}`);
    if (r.status !== 200) throw new Error(`GET /_emulator/runs/${id}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.run as AdminRun;
  };
  return {
    t,
    port,
    agent(actions, o = {}) {
      const client = port();
      const logger = o.logger ?? createMemoryLogger();
      const agent = createPortActionAgent(client, o.installationId ?? INSTALLATION, {
        actions,
        settings: { ...TEST_SETTINGS, ...o.settings },
        base: { config: {}, http: createHttpClient({}), state: createMemoryStateStore(), logger },
        logger,
        drainMs: o.drainMs,
      });
      agents.push(agent);
      return agent;
    },
    async createRun(type, executionProperties = {}, extra = {}) {
      const r = await t.admin('POST', '/actions/runs', { installationId: INSTALLATION, type, executionProperties, ...extra });
      if (r.status !== 201) throw new Error(`create run: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.run.id as string;
    },
    async createNodeRun(type, executionProperties = {}, extra = {}) {
      const r = await t.admin('POST', '/workflow-node-runs', { installationId: INSTALLATION, type, executionProperties, ...extra });
      if (r.status !== 201) throw new Error(`create node run: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.nodeRun.identifier as string;
    },
    run,
    async ended(id, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await run(id);
        if (r.status !== 'IN_PROGRESS') return r;
        if (Date.now() > deadline) throw new Error(`run ${id} still IN_PROGRESS after ${timeoutMs} ms: ${JSON.stringify(r)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async logs(id) {
      return (await run(id)).logs.map((l) => l.message ?? l.log ?? '');
    },
    async close() {
      await Promise.all(agents.map((a) => a.stop()));
      await t.close();
    },
  };
}
