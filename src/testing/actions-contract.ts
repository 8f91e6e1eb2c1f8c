/**
 * The actions contract: the self-service action scenarios of docs/behaviour.md §11, written once and run on every
 * runtime (Node, Deno, workerd) against the real emulator, the way runtimeContract() checks resyncs. It drives the
 * bundled `fake` integration's `fake_echo` action under the ACTIONS_ONLY listener; runs are created and read back
 * through the emulator's docs/port-api.md §13.6 controls. Framework-agnostic: the caller passes its own `test(name, fn)`.
 *
 * @example
 * actionsContract(() => nodeActionsHarness(), { test: it });
 */
import { assertEqual, assertOk, createPortProbe, waitFor } from './runtime-contract-port.ts';

/** One running integration instance with the action agent on. */
export interface ActionsInstance {
  /**
   * Let the agent work until `done()` is true (bounded by `timeoutMs`): an agent in a process polls by itself; a
   * Durable Object is woken and its alarms are run.
   */
  work(done: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  /**
   * Let the agent work until `running()` is true, then end the instance as a shutdown does: SIGTERM's path in a
   * process (resolves once it has shut down); on Workers the object dies mid-run and a successor takes over.
   */
  shutDownDuring(running: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** What a runtime provides to the actions contract. */
export interface ActionsHarness {
  name: string;
  emulatorUrl: string;
  credentials: { clientId: string; clientSecret: string };
  /** Start the fake integration with these `OCEAN__…` settings (the harness adds the Port URL and credentials). */
  start(env: Record<string, string>): Promise<ActionsInstance>;
  dispose?(): Promise<void>;
}

export interface ActionsContractOptions {
  test: (name: string, fn: () => Promise<void>) => unknown;
  /** Bound on each wait for the agent (default 60 s). */
  timeoutMs?: number;
}

export interface ContractRun {
  id?: string;
  identifier?: string;
  status: string;
  result?: string | null;
  pendingExecution: boolean;
  claimCount: number;
  link?: string[];
  logs: Array<{ message?: string; log?: string; logLevel?: string }>;
  history: Array<{ type: string }>;
}

/**
 * An instance whose agent runs in the process by itself (Node, Deno): working is waiting until `done()`, a
 * shutdown is `stop()` (the path SIGTERM takes) once `running()` is true.
 */
export function processInstance(stop: () => Promise<void>): ActionsInstance {
  const until = async (done: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    work: until,
    async shutDownDuring(running, timeoutMs) {
      await until(running, timeoutMs);
      await stop();
    },
    stop,
  };
}

const INTERRUPTED = 'Interrupted: the integration shut down during the run';
const WAITED = /^waited \d+ ms from (\S+) to (\S+)$/;

/** Register the actions contract through `options.test`. */
export function actionsContract(harnessFactory: () => ActionsHarness | Promise<ActionsHarness>, options: ActionsContractOptions): void {
  const bound = options.timeoutMs ?? 60_000;
  let harness: Promise<ActionsHarness> | undefined;
  let registered = 0;
  let finished = 0;
  const total = 7;

  const check = (title: string, body: (ctx: Ctx) => Promise<void>) => {
    registered += 1;
    const slug = `actions-${registered}`;
    options.test(`actions contract: ${title}`, async () => {
      const h = await (harness ??= Promise.resolve(harnessFactory()));
      const port = createPortProbe(h);
      const instances: ActionsInstance[] = [];
      const admin = port.client.admin;
      const run = async (id: string): Promise<ContractRun> => (await admin('GET', `/runs/${id}`)).run;
      const ctx: Ctx = {
        identifier: slug,
        port,
        admin,
        run,
        logs: async (id) => (await run(id)).logs.map((l) => l.message ?? l.log ?? ''),
        async start(extra = {}) {
          const instance = await h.start({
            OCEAN__INTEGRATION__IDENTIFIER: slug,
            OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY',
            OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true',
            OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS: '1',
            ...extra,
          });
          instances.push(instance);
          return instance;
        },
        async createRun(executionProperties) {
          return (await admin('POST', '/actions/runs', { installationId: slug, type: 'fake_echo', executionProperties })).run.id;
        },
        async ended(instance, id) {
          let last: ContractRun | undefined;
          await instance.work(async () => (last = await run(id)).status !== 'IN_PROGRESS', bound).catch((error: unknown) => {
            throw new Error(`${h.name}: run ${id} did not end: ${error instanceof Error ? error.message : String(error)}; last seen ${JSON.stringify(last)}`);
          });
          return run(id);
        },
        bound,
      };
      try {
        await port.reset();
        await body(ctx);
      } finally {
        for (const i of instances.splice(0)) await i.stop();
        finished += 1;
        if (finished === total) await h.dispose?.();
      }
    });
  };

  check('a run created through the emulator is claimed once, executed, and ends SUCCESS with its log and link', async (ctx) => {
    const id = await ctx.createRun({ message: 'hello', link: 'https://ci.example.test/runs/1' });
    const node = (await ctx.admin('POST', '/workflow-node-runs', { installationId: ctx.identifier, type: 'fake_echo', executionProperties: { message: 'from a workflow' } })).nodeRun
      .identifier as string;
    const instance = await ctx.start();
    const run = await ctx.ended(instance, id);
    assertEqual([run.status, run.claimCount, run.link], ['SUCCESS', 1, ['https://ci.example.test/runs/1']], 'status, claims and link');
    assertEqual(await ctx.logs(id), ['echo: hello'], 'run logs');
    assertEqual(run.history.filter((e) => e.type === 'acknowledged').length, 1, 'acknowledgements');
    const nodeRun = await ctx.ended(instance, node);
    assertEqual([nodeRun.status, nodeRun.result], ['COMPLETED', 'SUCCESS'], 'the workflow node run');
    assertEqual(nodeRun.logs.map((l) => [l.logLevel, l.log]), [['INFO', 'echo: from a workflow']], 'node run logs');
  });

  check('an executor that throws ends the run FAILURE with its message', async (ctx) => {
    const id = await ctx.createRun({ message: 'the deploy was refused', fail: true });
    const instance = await ctx.start();
    assertEqual((await ctx.ended(instance, id)).status, 'FAILURE', 'status');
    assertEqual(await ctx.logs(id), ['the deploy was refused'], 'run logs');
  });

  check('a run past its timeout ends FAILURE "Timed out after 1 s"', async (ctx) => {
    const id = await ctx.createRun({ message: 'slow', delayMs: 600_000, timeoutSeconds: 1 });
    const instance = await ctx.start();
    assertEqual((await ctx.ended(instance, id)).status, 'FAILURE', 'status');
    assertEqual(await ctx.logs(id), ['echo: slow', 'Timed out after 1 s'], 'run logs');
  });

  check('runs with one partition key never overlap, runs with different keys do', async (ctx) => {
    const ids = [
      await ctx.createRun({ message: 'p1', partition: 'p', delayMs: 1500 }),
      await ctx.createRun({ message: 'p2', partition: 'p', delayMs: 1500 }),
      await ctx.createRun({ message: 'q1', partition: 'q', delayMs: 1500 }),
    ];
    const instance = await ctx.start({ OCEAN__ACTIONS_PROCESSOR__WORKERS_COUNT: '4' });
    const spans: Array<{ key: string; from: number; to: number }> = [];
    for (const [i, id] of ids.entries()) {
      assertEqual((await ctx.ended(instance, id)).status, 'SUCCESS', `run ${i}`);
      const waited = (await ctx.logs(id)).map((l) => WAITED.exec(l)).find((m) => m);
      assertOk(waited, `run ${i} logged its wait: ${JSON.stringify(await ctx.logs(id))}`);
      spans.push({ key: i < 2 ? 'p' : 'q', from: Date.parse(waited[1]!), to: Date.parse(waited[2]!) });
    }
    const overlap = (a: (typeof spans)[0], b: (typeof spans)[0]) => a.from < b.to && b.from < a.to;
    assertOk(!overlap(spans[0]!, spans[1]!), `the two runs of partition p overlapped: ${JSON.stringify(spans)}`);
    assertOk(spans[0]!.to <= spans[1]!.from, `partition p ran in claim order: ${JSON.stringify(spans)}`);
    assertOk(overlap(spans[0]!, spans[2]!) || overlap(spans[1]!, spans[2]!), `partition q ran alongside p: ${JSON.stringify(spans)}`);
  });

  check('an expired visibility timeout re-delivers an unacknowledged run, which then executes exactly once', async (ctx) => {
    const id = await ctx.createRun({ message: 'once' });
    // Another consumer claims it for ten minutes and dies before acknowledging.
    const rival = { installationId: ctx.identifier, limit: 10, visibilityTimeoutMs: 600_000 };
    const claimed = await ctx.port.claim(rival);
    assertEqual(claimed.map((r) => r.id), [id], "the rival's claim");
    const instance = await ctx.start();
    // While the rival's claim holds, the agent's claims return nothing.
    const claims = async () => (await ctx.port.requests('POST', '/v1/actions/runs/claim-pending')).length;
    await instance.work(async () => (await claims()) >= 3, ctx.bound);
    assertEqual([(await ctx.run(id)).claimCount, (await ctx.run(id)).pendingExecution], [1, true], 'claims and pending before the claim expires');
    // The emulator's clock moves past the claim: the run is offered again.
    await ctx.port.client.advanceClock(601);
    const run = await ctx.ended(instance, id);
    assertEqual([run.status, run.claimCount], ['SUCCESS', 2], 'status and claims');
    assertEqual(await ctx.logs(id), ['echo: once'], 'run logs: one execution');
    // Acknowledged: never offered again, and the rival's late acknowledgement is refused.
    await ctx.port.client.advanceClock(601);
    assertEqual(await ctx.port.claim(rival), [], 'a claim after the acknowledgement');
    assertEqual(await ctx.port.ack(id), 409, "the rival's acknowledgement");
  });

  check('a shutdown during a run reports it FAILURE as interrupted', async (ctx) => {
    const id = await ctx.createRun({ message: 'long', delayMs: 600_000 });
    const instance = await ctx.start();
    await instance.shutDownDuring(async () => (await ctx.logs(id)).includes('echo: long'), ctx.bound);
    const run = await waitFor(`run ${id} to be reported`, async () => ((await ctx.run(id)).status === 'IN_PROGRESS' ? undefined : ctx.run(id)), ctx.bound);
    assertEqual(run.status, 'FAILURE', 'status');
    assertEqual(await ctx.logs(id), ['echo: long', INTERRUPTED], 'run logs');
  });

  check('ACTIONS_ONLY runs the agent and starts no resync', async (ctx) => {
    const id = await ctx.createRun({ message: 'only actions' });
    const instance = await ctx.start();
    assertEqual((await ctx.ended(instance, id)).status, 'SUCCESS', 'status');
    assertEqual((await ctx.port.requests('PATCH', `/v1/integration/${ctx.identifier}/resync-state`)).length, 0, 'resync-state PATCHes');
    assertEqual((await ctx.port.requests('POST', '/v1/blueprints/*/entities/**')).length, 0, 'entity writes');
    const integration = await ctx.port.integration(ctx.identifier);
    assertEqual([integration?.actionsProcessingEnabled, integration?.changelogDestination], [true, {}], 'the integration record');
  });

  if (registered !== total) throw new Error(`actionsContract: ${registered} checks registered, ${total} expected`);
}

interface Ctx {
  identifier: string;
  port: ReturnType<typeof createPortProbe>;
  admin(method: string, path: string, body?: unknown): Promise<any>;
  run(id: string): Promise<ContractRun>;
  logs(id: string): Promise<string[]>;
  start(extra?: Record<string, string>): Promise<ActionsInstance>;
  createRun(executionProperties: Record<string, unknown>): Promise<string>;
  ended(instance: ActionsInstance, id: string): Promise<ContractRun>;
  bound: number;
}
