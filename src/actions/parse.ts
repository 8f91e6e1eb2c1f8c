/**
 * Runs as the claim routes return them (Port API §11.9, §11.10), read leniently: only what the agent needs is
 * required, and a run without it is reported and skipped while the others go on (docs/behaviour.md §11.5).
 */
import type { ActionRun } from './types.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An action run, or the reason it cannot be read. */
export function parseActionRun(raw: unknown): ActionRun | { problem: string } {
  if (!isRecord(raw)) return { problem: 'not an object' };
  const id = text(raw.id);
  if (!id) return { problem: 'no id' };
  const payload = isRecord(raw.payload) ? raw.payload : {};
  const type = text(payload.integrationActionType);
  if (!type) return { problem: `run ${id}: no payload.integrationActionType` };
  const properties = payload.integrationActionExecutionProperties;
  if (properties !== undefined && properties !== null && !isRecord(properties)) return { problem: `run ${id}: integrationActionExecutionProperties is not an object` };
  const action = isRecord(raw.action) ? text(raw.action.identifier) : undefined;
  return { id, kind: 'action', type, properties: (properties as Record<string, unknown> | undefined) ?? {}, actionIdentifier: action, raw };
}

/** A workflow node run (its configuration as `config`, or `node.config` from the lookup route). */
export function parseNodeRun(raw: unknown): ActionRun | { problem: string } {
  if (!isRecord(raw)) return { problem: 'not an object' };
  const id = text(raw.identifier);
  if (!id) return { problem: 'no identifier' };
  const config = isRecord(raw.config) ? raw.config : isRecord(raw.node) && isRecord(raw.node.config) ? raw.node.config : {};
  const type = text(config.integrationInvocationType);
  if (!type) return { problem: `node run ${id}: no config.integrationInvocationType` };
  const properties = config.integrationActionExecutionProperties;
  if (properties !== undefined && properties !== null && !isRecord(properties)) return { problem: `node run ${id}: integrationActionExecutionProperties is not an object` };
  return { id, kind: 'workflow-node', type, properties: (properties as Record<string, unknown> | undefined) ?? {}, nodeUid: text(raw.nodeUid), raw };
}

/** The key a claim's `exclude` matches: the action identifier, or the node uid. */
export const excludeKey = (run: ActionRun): string | undefined => (run.kind === 'action' ? run.actionIdentifier : run.nodeUid);

interface SchemaLike {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}

/** The run with its properties through the type's schema, or the message that fails it, naming each field. */
export function withParsedProperties(run: ActionRun, schema: unknown): ActionRun | { problem: string } {
  if (schema === undefined) return run;
  const result = (schema as SchemaLike).safeParse(run.properties);
  if (result.success) return { ...run, properties: result.data as Record<string, unknown> };
  const issues = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(properties)'}: ${i.message}`);
  return { problem: `Invalid run properties: ${issues.join('; ')}` };
}
