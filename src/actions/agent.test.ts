/**
 * The action agent against the emulator (docs/behaviour.md §11, conformance points 47–54): each test creates runs
 * through the docs/port-api.md §13.6 controls, lets an agent claim and execute them, and reads status, logs and history back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionError, type ActionDefinitions } from './index.ts';
import { actionsBench, INSTALLATION, type ActionsBench } from './test-support.ts';

let b: ActionsBench;
beforeEach(async () => {
  b = await actionsBench();
});
afterEach(async () => {
  await b.close();
});

const requests = async (path: string) => (await b.t.admin('GET', `/requests?path=${encodeURIComponent(path)}`)).body.requests as Array<{ method: string; body: any; status: number }>;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('executing a run', () => {
  it('claims a run once, acknowledges it before executing, and reports SUCCESS with its logs and link', async () => {
    const seen: Array<{ id: string; properties: unknown; pending: boolean }> = [];
    const agent = b.agent({
      greet: {
        async run(run, ctx) {
          seen.push({ id: run.id, properties: run.properties, pending: (await b.run(run.id)).pendingExecution });
          await ctx.log(`hello ${run.properties.who}`);
          await ctx.update({ link: 'https://ci.example/42', externalRunId: 'ext-42' });
        },
      },
    });
    const id = await b.createRun('greet', { who: 'world' });
    expect(await agent.poll()).toEqual({ claimed: 1, full: false });
    const run = await b.ended(id);
    expect(run.status).toBe('SUCCESS');
    expect(run.claimCount).toBe(1);
    expect(run.link).toEqual(['https://ci.example/42']);
    expect(await b.logs(id)).toEqual(['hello world']);
    expect(seen).toEqual([{ id, properties: { who: 'world' }, pending: false }]);
    // Conformance 48 and 50: the ack comes before anything the executor sends; the report is a bare status.
    expect(run.history.map((h) => h.type)).toEqual(['created', 'claimed', 'acknowledged', 'log', 'patched', 'patched']);
    const patches = await requests(`/v1/actions/runs/${id}`);
    expect(patches.at(-1)?.body).toEqual({ status: 'SUCCESS' });
  });

  it('a thrown ActionError fails the run with its message; any other throw with "Failed to execute run: …"', async () => {
    const agent = b.agent({
      refuse: { run: () => Promise.reject(new ActionError('the repository is archived')) },
      crash: {
        run() {
          throw new TypeError('x is not a function');
        },
      },
    });
    const refused = await b.createRun('refuse');
    const crashed = await b.createRun('crash');
    await agent.poll();
    expect((await b.ended(refused)).status).toBe('FAILURE');
    expect(await b.logs(refused)).toEqual(['the repository is archived']);
    expect((await b.ended(crashed)).status).toBe('FAILURE');
    expect(await b.logs(crashed)).toEqual(['Failed to execute run: x is not a function']);
  });

  it('returned outcomes: failure with a message, success with a message and link, pending sends no status', async () => {
    const agent = b.agent({
      no: { run: () => ({ status: 'failure', message: 'quota exceeded' }) },
      yes: { run: () => ({ status: 'success', message: 'deployed', link: 'https://deploy.example/7' }) },
      later: { run: () => ({ status: 'pending' }) },
    });
    const [no, yes, later] = [await b.createRun('no'), await b.createRun('yes'), await b.createRun('later')];
    await agent.poll();
    expect((await b.ended(no)).status).toBe('FAILURE');
    expect(await b.logs(no)).toEqual(['quota exceeded']);
    const done = await b.ended(yes);
    expect([done.status, done.link]).toEqual(['SUCCESS', ['https://deploy.example/7']]);
    expect(await b.logs(yes)).toEqual(['deployed']);
    await agent.stop();
    const pending = await b.run(later);
    expect([pending.status, pending.pendingExecution]).toEqual(['IN_PROGRESS', false]);
    expect(pending.history.map((h) => h.type)).toEqual(['created', 'claimed', 'acknowledged']);
  });

  it('a run whose type has no executor is acknowledged, then failed naming the type (conformance 49)', async () => {
    const agent = b.agent({ known: { run: () => undefined } });
    const id = await b.createRun('unknown_type');
    await agent.poll();
    const run = await b.ended(id);
    expect(run.status).toBe('FAILURE');
    expect(await b.logs(id)).toEqual(["No executor registered for action type 'unknown_type'"]);
    expect(run.history.map((h) => h.type)).toEqual(['created', 'claimed', 'acknowledged', 'log', 'patched']);
  });

  it("a run whose properties do not match the type's schema fails naming the field", async () => {
    let called = false;
    const agent = b.agent({
      typed: {
        properties: z.object({ count: z.number() }),
        run: () => {
          called = true;
        },
      },
    });
    const id = await b.createRun('typed', { count: 'three' });
    await agent.poll();
    expect((await b.ended(id)).status).toBe('FAILURE');
    const [line] = await b.logs(id);
    expect(line).toMatch(/^Invalid run properties: count: /);
    expect(called).toBe(false);
  });

  it('an executor past its timeout has its signal aborted and the run fails "Timed out after 1 s" (conformance 54)', async () => {
    let aborted: unknown;
    const agent = b.agent({
      slow: {
        timeoutSeconds: 1,
        run: (_run, ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = ctx.signal.reason;
              reject(ctx.signal.reason);
            });
          }),
      },
    });
    const id = await b.createRun('slow');
    await agent.poll();
    expect((await b.ended(id)).status).toBe('FAILURE');
    expect(await b.logs(id)).toEqual(['Timed out after 1 s']);
    expect(aborted).toBeInstanceOf(ActionError);
  });

  it('workflow node runs: logs with levels, started with output and links, completed with a result', async () => {
    const agent = b.agent({
      deploy: {
        async run(run, ctx) {
          expect(run.kind).toBe('workflow-node');
          await ctx.log('careful', 'WARNING');
          await ctx.update({ link: 'https://ci.example/run/9', externalRunId: 'ext-9' });
          return { status: 'failure', message: 'rolled back' };
        },
      },
    });
    const id = await b.createNodeRun('deploy', { env: 'prod' }, { nodeUid: 'deploy-node' });
    await agent.poll();
    const node = await b.ended(id);
    expect([node.status, node.result]).toEqual(['COMPLETED', 'FAILED']);
    expect(node.logs.map((l) => [l.logLevel, l.log])).toEqual([
      ['WARN', 'careful'],
      ['ERROR', 'rolled back'],
    ]);
    expect(node.links).toEqual(['https://ci.example/run/9']);
  });
});

describe('claiming', () => {
  it('alternates which route is claimed first, asking the watermark minus what is queued (conformance 47)', async () => {
    const agent = b.agent({ noop: { run: () => undefined } }, { settings: { runsBufferHighWatermark: 150 } });
    await agent.poll();
    await agent.poll();
    const claims = (await b.t.admin('GET', '/requests?path=/v1/*/runs/claim-pending')).body.requests as Array<{ path: string; body: any }>;
    expect(claims.map((c) => [c.path, c.body.limit, c.body.installationId, c.body.visibilityTimeoutMs])).toEqual([
      ['/v1/actions/runs/claim-pending', 150, INSTALLATION, 60_000],
      ['/v1/workflows/runs/claim-pending', 100, INSTALLATION, 60_000],
      ['/v1/workflows/runs/claim-pending', 100, INSTALLATION, 60_000],
      ['/v1/actions/runs/claim-pending', 150, INSTALLATION, 60_000],
    ]);
  });

  it('makes no claim at the watermark, and excludes an action holding its share of the buffer (conformance 52)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One worker, busy with the first run: the rest stay queued.
    const agent = b.agent({ hold: { run: () => gate } }, { settings: { workersCount: 1, runsBufferHighWatermark: 4, maxRunsBufferUtilPctPerAction: 50 } });
    for (let i = 0; i < 3; i++) await b.createRun('hold', {}, { action: 'busy-action' });
    await b.createRun('hold', {}, { action: 'other-action' });
    await b.createRun('hold', {}, { action: 'other-action' });
    expect((await agent.poll()).claimed).toBe(4);
    await delay(50);
    // busy-action: 2 queued (one runs) = the cap of max(1, floor(4 × 50 / 100)) = 2; other-action: 1 queued.
    expect(agent.queued).toBe(3);
    expect((await agent.poll()).claimed).toBe(1);
    const claims = (await b.t.admin('GET', '/requests?path=/v1/actions/runs/claim-pending')).body.requests as Array<{ body: any }>;
    expect(claims.at(-1)?.body).toMatchObject({ limit: 1, exclude: ['busy-action'] });
    expect(agent.queued).toBe(4);
    // At the watermark: no claim at all.
    const before = claims.length;
    expect(await agent.poll()).toEqual({ claimed: 0, full: true });
    expect(((await b.t.admin('GET', '/requests?path=/v1/actions/runs/claim-pending')).body.requests as unknown[]).length).toBe(before);
    release();
  });

  it('claims nothing with personal credentials (conformance 47)', async () => {
    await b.t.admin('POST', '/credentials', { clientId: 'test-client', clientSecret: 'test-secret', isMachine: false });
    const agent = b.agent({ noop: { run: () => undefined } });
    await b.createRun('noop');
    expect(await agent.poll()).toEqual({ claimed: 0, full: false });
    expect(await agent.ready()).toBe(false);
    expect((await b.t.admin('GET', '/requests?path=/v1/*/runs/claim-pending')).body.requests).toEqual([]);
  });

  it('an expired visibility timeout re-delivers an unacknowledged run, and the acknowledgement makes it execute once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const executions: Array<{ agent: string; run: string }> = [];
    const executor = (name: string): ActionDefinitions => ({
      block: { run: () => gate },
      work: {
        run(run) {
          executions.push({ agent: name, run: run.id });
        },
      },
    });
    // Agent A has one worker, held by its first run: its second run stays claimed and unacknowledged.
    const a = b.agent(executor('a'), { settings: { workersCount: 1, visibilityTimeoutMs: 5000 } });
    const blocker = await b.createRun('block');
    const id = await b.createRun('work');
    expect((await a.poll()).claimed).toBe(2);
    const other = b.agent(executor('b'), { settings: { visibilityTimeoutMs: 5000 } });
    expect((await other.poll()).claimed).toBe(0);
    // Its claim expires by the emulator's clock: the run is offered again, and B acknowledges and executes it.
    await b.t.admin('POST', '/clock', { advanceSeconds: 6 });
    expect((await other.poll()).claimed).toBe(1);
    expect((await b.ended(id)).status).toBe('SUCCESS');
    // A reaches it later: its acknowledgement answers 409, so it skips the run without executing or reporting it.
    release();
    expect((await b.ended(blocker)).status).toBe('SUCCESS');
    await a.stop();
    expect(executions).toEqual([{ agent: 'b', run: id }]);
    const run = await b.run(id);
    expect(run.claimCount).toBe(2);
    const acks = await requests('/v1/actions/runs/ack');
    expect(acks.filter((r) => r.body.runId === id).map((r) => r.status)).toEqual([200, 409]);
    // Acknowledged runs are never offered again, whatever the clock says.
    await b.t.admin('POST', '/clock', { advanceSeconds: 600 });
    expect((await other.poll()).claimed).toBe(0);
  });
});

describe('concurrency', () => {
  /** An executor that records when each run starts and ends, then waits `ms`. */
  const timed = (intervals: Map<string, { key: string; start: number; end: number }>, ms: number): ActionDefinitions[string] => ({
    partitionKey: (run) => run.properties.key as string | undefined,
    async run(run) {
      const start = performance.now();
      await delay(ms);
      intervals.set(run.id, { key: String(run.properties.key), start, end: performance.now() });
    },
  });
  const overlap = (a: { start: number; end: number }, b2: { start: number; end: number }) => a.start < b2.end && b2.start < a.end;

  it('runs with one partition key never overlap and keep claim order; other keys overlap; at most workersCount at once (conformance 51)', async () => {
    const intervals = new Map<string, { key: string; start: number; end: number }>();
    const agent = b.agent({ step: timed(intervals, 150) }, { settings: { workersCount: 3 } });
    const ids: string[] = [];
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) ids.push(await b.createRun('step', { key }));
    await agent.poll();
    for (const id of ids) expect((await b.ended(id)).status).toBe('SUCCESS');
    const runs = ids.map((id) => ({ id, ...intervals.get(id)! }));
    const sameKey = runs.flatMap((x, i) => runs.slice(i + 1).filter((y) => y.key === x.key && overlap(x, y)).map((y) => `${x.key}: ${x.id} & ${y.id}`));
    expect(sameKey).toEqual([]);
    const aRuns = runs.filter((r) => r.key === 'a');
    expect(aRuns.map((r) => r.start)).toEqual([...aRuns.map((r) => r.start)].sort((x, y) => x - y));
    expect(runs.some((x) => runs.some((y) => x.key !== y.key && overlap(x, y)))).toBe(true);
    const peak = Math.max(...runs.map((x) => runs.filter((y) => y.start <= x.start && x.start < y.end).length));
    expect(peak).toBeLessThanOrEqual(3);
  });
});

describe('rate limits and shutdown', () => {
  it('near the rate limit, posts a WARNING run log and waits before acknowledging (conformance 53)', async () => {
    let probes = 0;
    const agent = b.agent({
      limited: {
        rateLimit: { isNear: () => ++probes <= 2, waitSeconds: () => 0.05 },
        run: () => undefined,
      },
    });
    const id = await b.createRun('limited');
    await agent.poll();
    const run = await b.ended(id);
    expect(run.status).toBe('SUCCESS');
    expect(await b.logs(id)).toEqual([
      'Delayed due to low remaining rate limit. Will attempt to re-run in 0.05 seconds',
      'Delayed due to low remaining rate limit. Will attempt to re-run in 0.05 seconds',
    ]);
    expect(run.history.map((h) => h.type)).toEqual(['created', 'claimed', 'log', 'log', 'acknowledged', 'patched']);
  });

  it('at shutdown drops queued runs unacknowledged and reports runs still executing after the drain as interrupted (conformance 53)', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let signalled: unknown;
    const agent = b.agent(
      {
        stuck: {
          run: (_run, ctx) =>
            new Promise(() => {
              started();
              ctx.signal.addEventListener('abort', () => (signalled = ctx.signal.reason));
            }),
        },
      },
      { settings: { workersCount: 1 }, drainMs: 100 },
    );
    const first = await b.createRun('stuck');
    const second = await b.createRun('stuck');
    await agent.poll();
    await running;
    await agent.stop();
    const interrupted = await b.run(first);
    expect(interrupted.status).toBe('FAILURE');
    expect(await b.logs(first)).toEqual(['Interrupted: the integration shut down during the run']);
    expect(signalled).toBeInstanceOf(ActionError);
    const dropped = await b.run(second);
    expect([dropped.status, dropped.pendingExecution]).toEqual(['IN_PROGRESS', true]);
    expect(dropped.history.map((h) => h.type)).toEqual(['created', 'claimed']);
  });

  it('a run that finishes within the drain is reported normally', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const agent = b.agent({ brief: { run: () => (started(), delay(100)) } }, { drainMs: 5000 });
    const id = await b.createRun('brief');
    await agent.poll();
    await running;
    await agent.stop();
    expect((await b.run(id)).status).toBe('SUCCESS');
  });
});
