/**
 * Self-service actions (docs/behaviour.md §11): the executors an integration declares, and the agent that
 * claims pending runs from Port and executes them.
 */
import type { PortClient } from '../port/index.ts';
import { createActionAgent, type ActionAgent, type ActionAgentOptions } from './agent.ts';
import { createRunCompletion } from './completion.ts';
import { createRunsApi } from './port-runs.ts';

export { createActionAgent, isMachineToken, SHUTDOWN_DRAIN_MS } from './agent.ts';
export type { ActionAgent, ActionAgentOptions, PollResult as ActionPollResult, RunJournal } from './agent.ts';
export { checkActionDefinitions } from './check.ts';
export { createRunCompletion } from './completion.ts';
export type { RunCompletion } from './completion.ts';
export { executeRun, INTERRUPTED_MESSAGE, reportRun } from './execute.ts';
export type { ContextBase } from './execute.ts';
export { parseActionRun, parseNodeRun } from './parse.ts';
export { createRunsApi, WORKFLOW_CLAIM_MAX } from './port-runs.ts';
export type { ClaimRequest, RunRef, RunReport, RunsApi } from './port-runs.ts';
export { createRunQueue } from './queue.ts';
export type { RunQueue } from './queue.ts';
export { ActionError, DEFAULT_ACTION_TIMEOUT_SECONDS } from './types.ts';
export type {
  ActionContext,
  ActionDefinition,
  ActionDefinitions,
  ActionOutcome,
  ActionProperties,
  ActionRateLimit,
  ActionRun,
  RunLogLevel,
  RunUpdate,
} from './types.ts';

/** Finding and completing runs from live events, through the integration's Port client. */
export function createPortRunCompletion(port: PortClient, installationId: string, logger: ActionAgentOptions['logger']) {
  return createRunCompletion(createRunsApi(port.transport, installationId), logger);
}

/** The agent of one integration instance, talking to Port through its client. */
export function createPortActionAgent(port: PortClient, installationId: string, o: Omit<ActionAgentOptions, 'runs' | 'tokenClaims'>): ActionAgent {
  return createActionAgent({ ...o, runs: createRunsApi(port.transport, installationId), tokenClaims: () => port.transport.tokenClaims() });
}
