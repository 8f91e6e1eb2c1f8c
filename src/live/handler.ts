/**
 * The live-event front (docs/behaviour.md §6.1, §6.3): `handle(request, path)` is what the server mounts at
 * `POST /integration{path}`. It answers at once and leaves the work to the path's queue, whose worker
 * reads the mapping fresh, picks the runs, executes them concurrently and applies the results.
 */
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { Mapper, ParsePortAppConfigOptions, PortAppConfig } from '../mapping/index.ts';
import { parsePortAppConfig } from '../mapping/index.ts';
import type { ApplyReport, LivePort, ResourceRunResult, WriteGuard } from './apply.ts';
import { applyResults } from './apply.ts';
import { deliveryKey, type DeliveryLedger } from './deliveries.ts';
import { createEventOrdering } from './ordering.ts';
import type { LiveEventProcessor, ProcessorContext, ProcessorRegistration, VerifyRequest, WebhookEvent, WebhookRegistrations } from './processor.ts';
import { instantiate, normalisePath, registerRoutes } from './processor.ts';
import type { Clock, DrainResult, EventQueue } from './queue.ts';
import { createEventQueue, systemClock } from './queue.ts';
import type { RunSpec } from './run.ts';
import { runProcessor } from './run.ts';

export interface LiveEventsOptions<Config = Record<string, unknown>> {
  /** Path → route or processor(s); each path is served as `POST /integration{path}`. Checked here (startup). */
  processors: WebhookRegistrations<Config>;
  port: LivePort;
  mapper: Mapper;
  /** The integration identifier whose mapping (`config`) is read for every event. */
  identifier: string;
  logger?: Logger;
  /** `true` (default), or why live events are off: the route then answers 503 and queues nothing. */
  enabled?: boolean | { reason: string };
  /** Handed to every processor factory and route `verify`: the integration's config and a logger. */
  processorContext?: ProcessorContext<Config>;
  /** The integration's selector schemas, as the resync uses them. */
  selectorSchemas?: ParsePortAppConfigOptions['selectorSchemas'];
  clock?: Clock;
  /** A run's budget; default 90 s. */
  budgetMs?: number;
  newId?: () => string;
  /**
   * Hand accepted (verified) events to another queue instead of the in-memory one (e.g. a Cloudflare Queue
   * consumed with concurrency 1, whose consumer calls `processEvent`).
   */
  dispatch?: (path: string, event: WebhookEvent) => Promise<void>;
  /**
   * The in-memory queues' bound, all paths together: events waiting or in progress, and the bytes of their
   * bodies. Past either, a delivery is answered 503 with `Retry-After`. Default: 10,000 events, 256 MiB.
   */
  queueLimits?: { maxEvents: number; maxBytes: number };
  /** Where the ids of routes with `deliveryId` are remembered (replays answered "duplicate"). */
  deliveries?: DeliveryLedger;
}

/** Seconds a client is told to wait when the queues are full. */
export const QUEUE_FULL_RETRY_AFTER_S = 30;

/** Counters since start. */
export interface LiveEventStats {
  received: number;
  /** 401: the route's `verify` said no. */
  rejected: number;
  /** Bodies that were not JSON. */
  invalid: number;
  /** 503: the queues were full. */
  refused: number;
  /** Deliveries already applied (or queued) under the same id. */
  duplicates: number;
  queued: number;
  processed: number;
  /** Waiting or being processed. */
  pending: number;
  runsSucceeded: number;
  runsFailed: number;
  upserted: number;
  deleted: number;
}

/** What processing one event did. */
export interface EventReport {
  runs: number;
  failedRuns: number;
  apply?: ApplyReport;
}

/** The live-events module, built by {@link createLiveEvents}. */
export interface LiveEvents {
  /** Registered paths, normalised to start with `/`. */
  readonly paths: string[];
  /** Serve `POST /integration{path}`; `path` is the part after `/integration`. */
  handle(request: Request, path: string): Promise<Response>;
  /**
   * Process one event now (what a queue worker does); for adapters that bring their own queue. `guard`
   * replaces the in-memory same-entity ordering with the adapter's (e.g. durable across redeliveries).
   */
  processEvent(path: string, event: WebhookEvent, signal?: AbortSignal, guard?: WriteGuard): Promise<EventReport>;
  /** Shutdown: stop taking events, give the queues `timeoutMs` (default 5 s), then cancel what still runs. */
  drain(timeoutMs?: number): Promise<DrainResult>;
  stats(): LiveEventStats;
  /** Resolves once every path's queue is empty and its worker idle (tests, `waitUntil` on Workers). */
  idle(): Promise<void>;
}

interface Instance {
  reg: ProcessorRegistration;
  processor: LiveEventProcessor;
}

interface QueuedEvent {
  event: WebhookEvent;
  instances: Instance[];
  seq: number;
  guard?: WriteGuard;
  /** The delivery held in the ledger until the event is applied (routes with `deliveryId`). */
  delivery?: string;
}

/** A fresh instance of every processor of a path, for one event (§6.2). */
const freshInstances = (regs: readonly ProcessorRegistration[]): Instance[] => regs.map((reg) => ({ reg, processor: instantiate(reg) }));

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Build the live-events module. Registrations are validated here, so a processor that does not satisfy the
 * contract fails startup with the path and the missing method.
 *
 * @example
 * const live = createLiveEvents({ processors: { '/webhook': PushProcessor }, port, mapper, identifier: 'my-github' });
 * app.post('/integration/*', (c) => live.handle(c.req.raw, c.req.path.slice('/integration'.length)));
 */
export function createLiveEvents<Config>(options: LiveEventsOptions<Config>): LiveEvents {
  const routes = registerRoutes(options.processors, options.processorContext);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const disabled = options.enabled === undefined || options.enabled === true ? undefined : options.enabled === false ? 'live events are disabled' : options.enabled.reason;
  const ordering = createEventOrdering();
  const stats = { received: 0, rejected: 0, invalid: 0, refused: 0, duplicates: 0, queued: 0, processed: 0, runsSucceeded: 0, runsFailed: 0, upserted: 0, deleted: 0 };
  const limits = options.queueLimits ?? { maxEvents: 10_000, maxBytes: 256 * 1024 * 1024 };
  // What the in-memory queues hold (waiting or in progress), all paths together.
  const held = { events: 0, bytes: 0 };
  const full = (): Response => {
    stats.refused += 1;
    return json(503, { status: 'error', message: `the live-event queue is full (${limits.maxEvents} events or ${limits.maxBytes} bytes); retry later` }, { 'retry-after': String(QUEUE_FULL_RETRY_AFTER_S) });
  };
  const settleDelivery = (item: QueuedEvent, applied: boolean): void => {
    if (!item.delivery || !options.deliveries) return;
    const done = applied ? options.deliveries.commit(item.delivery) : options.deliveries.release(item.delivery);
    done.catch((error: unknown) => logger.warn('[tide] live event: could not update the delivery ledger', { error: errorText(error) }));
  };

  const queues = new Map<string, EventQueue<QueuedEvent>>();
  for (const path of routes.keys()) {
    queues.set(
      path,
      createEventQueue<QueuedEvent>({
        clock,
        process: async (item, signal) => {
          let applied = false;
          try {
            await processQueued(path, item, signal);
            applied = !signal.aborted;
          } finally {
            ordering.finish(item.seq);
            stats.processed += 1;
            held.events -= 1;
            held.bytes -= item.event.rawBody.length;
            settleDelivery(item, applied);
          }
        },
        onError: (error, item) => logger.error('[tide] live event failed', { path, traceId: item.event.traceId, error: errorText(error) }),
      }),
    );
  }

  async function readMapping(eventId: string): Promise<PortAppConfig> {
    const integration = await options.port.getIntegration(options.identifier, { event: { type: 'http_request', id: eventId } });
    if (!integration) throw new Error(`integration "${options.identifier}" was not found in Port`);
    const config = integration.config;
    if (!config || Object.keys(config).length === 0) throw new Error('empty mapping: the integration has no config in Port');
    return parsePortAppConfig(config, { source: 'Port integration config', selectorSchemas: options.selectorSchemas });
  }

  async function processQueued(path: string, item: QueuedEvent, signal?: AbortSignal): Promise<EventReport> {
    const { event } = item;
    const log = logger.child({ path, traceId: event.traceId });
    let mapping: PortAppConfig | undefined;
    try {
      mapping = await readMapping(event.traceId);
    } catch (error) {
      log.error('[tide] live event: could not read the mapping; only action processors run', { error: errorText(error) });
    }

    const runs: RunSpec[] = [];
    let accepted = 0;
    for (const { reg, processor } of item.instances) {
      try {
        if ((await processor.shouldProcessEvent(event)) !== true) continue;
        accepted += 1;
        if (processor.kind === 'action') {
          runs.push({ processor, name: reg.name, event });
          continue;
        }
        if (!mapping) continue;
        const kinds = new Set(await processor.getMatchingKinds(event));
        mapping.resources.forEach((resource, resourceIndex) => {
          if (kinds.has(resource.kind)) runs.push({ processor, name: reg.name, event, kind: resource.kind, resource, resourceIndex });
        });
      } catch (error) {
        log.warn('[tide] live event: processor selection failed', { processor: reg.name, error: errorText(error) });
      }
    }
    if (runs.length === 0) {
      if (accepted === 0) log.warn('[tide] live event: unsupported event, no processor accepted it');
      else if (mapping) log.info('[tide] live event: accepted, but none of its kinds is in the mapping');
      return { runs: 0, failedRuns: 0 };
    }

    const outcomes = await Promise.all(runs.map((spec) => runProcessor(spec, { clock, budgetMs: options.budgetMs, signal, logger: log })));
    const resourceRuns: ResourceRunResult[] = [];
    let failedRuns = 0;
    outcomes.forEach((outcome, i) => {
      const spec = runs[i];
      if (outcome.status === 'failed') {
        failedRuns += 1;
        log.warn(`[tide] live event: run failed (${outcome.reason}): ${errorText(outcome.error)}`, {
          processor: spec.name,
          kind: spec.kind,
          resourceIndex: spec.resourceIndex,
          attempts: outcome.attempts,
        });
      } else if (spec.resource && spec.resourceIndex !== undefined) {
        resourceRuns.push({ resource: spec.resource, resourceIndex: spec.resourceIndex, result: outcome.result });
      }
    });
    stats.runsFailed += failedRuns;
    stats.runsSucceeded += runs.length - failedRuns;
    if (resourceRuns.length === 0 || !mapping) return { runs: runs.length, failedRuns };

    const current = mapping;
    const apply = await ordering.exclusive(() =>
      applyResults(resourceRuns, { port: options.port, mapper: options.mapper, mapping: current, eventId: event.traceId, logger: log, signal, guard: item.guard ?? ordering.guard(item.seq) }),
    );
    stats.upserted += apply.upserted;
    stats.deleted += apply.deleted;
    log.info('[tide] live event applied', { ...apply });
    return { runs: runs.length, failedRuns, apply };
  }

  async function handle(request: Request, rawPath: string): Promise<Response> {
    if (disabled !== undefined) return json(503, { status: 'error', message: disabled });
    const path = normalisePath(rawPath);
    const route = routes.get(path);
    const queue = queues.get(path);
    if (!route || !queue) return json(404, { status: 'error', message: `no webhook processor is registered for ${path}` });
    if (request.method !== 'POST') return json(405, { status: 'error', message: 'live events are POSTed' });
    if (queue.closed) return json(503, { status: 'error', message: 'shutting down' });
    stats.received += 1;
    // Full: refused before the body is read.
    if (!options.dispatch && held.events >= limits.maxEvents) return full();
    // A read failure (client gone) propagates: the event is never acknowledged.
    const rawBody = new Uint8Array(await request.arrayBuffer());
    if (!options.dispatch && held.bytes + rawBody.length > limits.maxBytes) return full();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });

    // Once per delivery, before anything is parsed, queued or instantiated: a rejected delivery reaches no processor.
    if (route.verify && !(await verified(route.verify, { method: request.method, url: request.url, headers, rawBody }, path))) {
      stats.rejected += 1;
      return json(401, { status: 'error', message: 'signature verification failed' });
    }

    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder().decode(rawBody));
    } catch (error) {
      stats.invalid += 1;
      return json(400, { status: 'error', message: `the request body is not JSON: ${errorText(error)}` });
    }
    request.signal?.throwIfAborted();
    // Named deliveries are applied once (§6.1): a verified one seen before is acknowledged and dropped.
    const id = route.deliveryId?.({ method: request.method, url: request.url, headers, rawBody });
    const delivery = id && options.deliveries ? await deliveryKey(path, id) : undefined;
    if (delivery && !(await options.deliveries!.claim(delivery))) {
      stats.duplicates += 1;
      logger.info('[tide] live event: a delivery already received; not applied again', { path, deliveryId: id });
      return json(200, { status: 'duplicate' });
    }
    const event: WebhookEvent = { traceId: newId(), payload, headers, rawBody, createdAt: new Date(clock.now()) };
    if (options.dispatch) {
      try {
        await options.dispatch(path, event);
      } catch (error) {
        if (delivery) await options.deliveries!.release(delivery).catch(() => {});
        throw error;
      }
      stats.queued += 1;
      return json(200, { status: 'ok' });
    }
    const seq = ordering.arrive();
    const item: QueuedEvent = { event, instances: freshInstances(route.processors), seq, delivery };
    if (!queue.enqueue(item)) {
      ordering.finish(seq);
      settleDelivery(item, false);
      return json(503, { status: 'error', message: 'shutting down' });
    }
    held.events += 1;
    held.bytes += rawBody.length;
    stats.queued += 1;
    return json(200, { status: 'ok' });
  }

  async function verified(verify: (request: VerifyRequest) => boolean | Promise<boolean>, request: VerifyRequest, path: string): Promise<boolean> {
    try {
      return (await verify(request)) === true;
    } catch (error) {
      logger.warn('[tide] live event: verify threw; counted as a failed verification', { path, error: errorText(error) });
      return false;
    }
  }

  return {
    paths: [...routes.keys()],
    handle,
    async processEvent(rawPath, event, signal, guard) {
      const path = normalisePath(rawPath);
      const route = routes.get(path);
      if (!route) throw new Error(`[tide] no webhook processor is registered for ${path}`);
      const seq = ordering.arrive();
      try {
        return await processQueued(path, { event, instances: freshInstances(route.processors), seq, guard }, signal);
      } finally {
        ordering.finish(seq);
      }
    },
    async drain(timeoutMs = 5000) {
      const results = await Promise.all([...queues.values()].map((q) => q.drain(timeoutMs)));
      const result = { drained: results.every((r) => r.drained), dropped: results.reduce((n, r) => n + r.dropped, 0) };
      // Events dropped never reached the worker; the queues are closed for good.
      held.events = 0;
      held.bytes = 0;
      if (result.dropped > 0) logger.warn('[tide] live events: shutdown dropped queued events', { dropped: result.dropped });
      return result;
    },
    async idle() {
      await Promise.all([...queues.values()].map((q) => q.idle()));
    },
    stats() {
      let pending = 0;
      for (const q of queues.values()) pending += q.pending + (q.busy ? 1 : 0);
      return { ...stats, pending };
    },
  };
}
