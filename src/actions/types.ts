/**
 * What an integration declares for self-service actions (docs/behaviour.md §11.5): one executor per action
 * type, the run it receives, the context it runs in and the outcome it returns.
 */
import type { ZodType, z } from 'zod';
import type { HttpClient } from '../http/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { StateStore } from '../state/index.ts';

/** A run log's level; workflow-node logs spell `WARNING` as `WARN` on the wire. */
export type RunLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** One claimed run: an action run or a workflow node run (Port API §11.9, §11.10). */
export interface ActionRun<Properties = Record<string, unknown>> {
  id: string;
  kind: 'action' | 'workflow-node';
  /** The action type: `integrationActionType` (action runs) or `integrationInvocationType` (node runs). */
  type: string;
  /** The execution properties Port evaluated (`integrationActionExecutionProperties`), parsed by the type's schema when it has one. */
  properties: Properties;
  /** Action runs: the Port action's identifier. */
  actionIdentifier?: string;
  /** Workflow node runs: the node's uid. */
  nodeUid?: string;
  /** The run as the claim returned it. */
  raw: Record<string, unknown>;
}

/** Fields that mark a run started or describe it (`ctx.update`, and the outcome's `link` and `summary`). */
export interface RunUpdate {
  link?: string | string[];
  externalRunId?: string;
  statusLabel?: string;
  summary?: string;
  /** Workflow node runs: merged into the node's `output`. */
  output?: Record<string, unknown>;
}

/** Everything an executor gets; there are no globals. */
export interface ActionContext<Config = Record<string, unknown>> {
  config: Config;
  http: HttpClient;
  state: StateStore;
  /** Local log lines (not run logs). */
  logger: Logger;
  /** Fires when the run times out (`timeoutSeconds`) or the integration shuts down past its drain. */
  signal: AbortSignal;
  /** Post a run log in Port. Never rejects: a failed post is logged locally. */
  log(message: string, level?: RunLogLevel): Promise<void>;
  /** Mark the run started: link, external id, label, summary, output. Never rejects. */
  update(fields: RunUpdate): Promise<void>;
}

/**
 * How a run ended, as the executor returns it. Nothing, or `success`, reports success; `failure` reports its
 * message; `pending` leaves the run `IN_PROGRESS` for a later webhook to complete.
 */
export type ActionOutcome =
  | void
  | undefined
  | { status: 'success'; message?: string; link?: string | string[]; summary?: string }
  | { status: 'failure'; message: string; link?: string | string[]; summary?: string }
  | { status: 'pending' };

/** Thrown by an executor: the run fails with exactly this message (no `Failed to execute run:` prefix). */
export class ActionError extends Error {
  override readonly name = 'ActionError';
}

/** A probe the agent asks before acknowledging a run, so a run near a vendor's rate limit waits instead of failing. */
export interface ActionRateLimit<Config = Record<string, unknown>, Properties = Record<string, unknown>> {
  isNear(run: ActionRun<Properties>, ctx: ActionContext<Config>): boolean | Promise<boolean>;
  /** Seconds until the limit resets; the agent waits at most 10 s at a time. */
  waitSeconds(run: ActionRun<Properties>, ctx: ActionContext<Config>): number | Promise<number>;
}

/** The default bound on one run, in seconds. */
export const DEFAULT_ACTION_TIMEOUT_SECONDS = 300;

/** One action type's executor. */
export interface ActionDefinition<Config = Record<string, unknown>, S = ZodType | undefined> {
  /** Schema of the run's execution properties; a run whose properties do not parse fails naming the fields. */
  properties?: S;
  /** Runs with the same key run one after another, in claim order. */
  partitionKey?(run: ActionRun<ActionProperties<S>>): string | undefined;
  rateLimit?: ActionRateLimit<Config, ActionProperties<S>>;
  /**
   * After this long the run's signal fires and it fails with `Timed out after {n} s`: a number of seconds, or a
   * function of the run (a run property may carry its own bound). Default 300.
   */
  timeoutSeconds?: number | ((run: ActionRun<ActionProperties<S>>) => number | undefined);
  run(run: ActionRun<ActionProperties<S>>, ctx: ActionContext<Config>): ActionOutcome | Promise<ActionOutcome>;
}

/** The properties an executor sees for schema `S`: its output, or a plain record without a schema. */
export type ActionProperties<S> = S extends ZodType ? z.output<S> : Record<string, unknown>;

/** Executors by action type. */
export type ActionDefinitions<Config = Record<string, unknown>> = Record<string, ActionDefinition<Config, any>>;
