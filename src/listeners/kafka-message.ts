/**
 * The KAFKA listener's message logic, free of any transport (docs/behaviour.md §5.4, docs/port-api.md §12.2–12.3,
 * conformance 34): which topic and consumer group to use, and whether one message means "resync now".
 * The Node adapter owns the consumer; it calls these and dispatches the resync without blocking.
 */

/** The org feature flag that moves resync requests to their own topic. */
export const RESYNC_REQUESTS_TOPIC_FLAG = 'OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED';

/**
 * `{orgId}.integration.resync.requests` when the org has {@link RESYNC_REQUESTS_TOPIC_FLAG}, else the
 * legacy `{orgId}.change.log`. Pass `undefined` when the flag read failed: that means legacy.
 *
 * @example kafkaTopic('org_1', ['OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED']) // 'org_1.integration.resync.requests'
 */
export function kafkaTopic(orgId: string, featureFlags: readonly string[] | null | undefined): string {
  return featureFlags?.includes(RESYNC_REQUESTS_TOPIC_FLAG) ? resyncRequestsTopic(orgId) : changeLogTopic(orgId);
}

/** `{orgId}.change.log`. */
export const changeLogTopic = (orgId: string): string => `${orgId}.change.log`;

/** `{orgId}.integration.resync.requests`. */
export const resyncRequestsTopic = (orgId: string): string => `${orgId}.integration.resync.requests`;

/**
 * The consumer group: `{orgId}.{type}.{identifier}`. With `kafkaSecurityEnabled` off, Ocean's group
 * name part is the literal `no-security`, giving `{orgId}.no-security`.
 *
 * @example kafkaGroupId({ orgId: 'org_1', type: 'jira', identifier: 'my-jira' }) // 'org_1.jira.my-jira'
 */
export function kafkaGroupId(o: { orgId: string; type: string; identifier: string; securityEnabled?: boolean }): string {
  return o.securityEnabled === false ? `${o.orgId}.no-security` : `${o.orgId}.${o.type}.${o.identifier}`;
}

/** One consumed message: its topic and its value (bytes, text, or JSON already parsed). */
export interface KafkaMessageInput {
  topic: string;
  value: string | Uint8Array | unknown;
}

/** The verdict, with a reason worth a debug log line. */
export interface KafkaVerdict {
  resync: boolean;
  reason: string;
}

const decoder = new TextDecoder();

/**
 * Whether a message means "resync now" for this integration (docs/port-api.md §12.3):
 * - resync-requests topic: iff `context.integrationId` is this identifier;
 * - change.log: `action == "RESYNC"` with this `context.integrationId`; otherwise, with `a = diff.after`,
 *   skip a null `a` (deletes), another identifier, and `a.updatedAt == a.resyncState.updatedAt` (Tide's
 *   own resync-state write, which would loop), and resync iff `a.changelogDestination.type == "KAFKA"`.
 * Only these fields are read (docs/port-api.md §15.17). Never throws: malformed JSON and odd shapes are "no".
 *
 * @example shouldResyncOnKafkaMessage({ topic: 'org_1.change.log', value: '{"action":"RESYNC","context":{"integrationId":"my-jira"}}' },
 *   { orgId: 'org_1', identifier: 'my-jira' }) // { resync: true, reason: 'RESYNC action for this integration' }
 */
export function shouldResyncOnKafkaMessage(message: KafkaMessageInput, self: { orgId: string; identifier: string }): KafkaVerdict {
  const isRequests = message.topic === resyncRequestsTopic(self.orgId);
  if (!isRequests && message.topic !== changeLogTopic(self.orgId)) {
    return { resync: false, reason: `topic "${message.topic}" is not one this integration consumes` };
  }
  const parsed = parseValue(message.value);
  if ('error' in parsed) return { resync: false, reason: parsed.error };
  const body = asRecord(parsed.value);
  if (!body) return { resync: false, reason: 'the message value is not a JSON object' };
  const integrationId = asRecord(body.context)?.integrationId;

  if (isRequests) {
    return integrationId === self.identifier
      ? { resync: true, reason: 'resync request for this integration' }
      : { resync: false, reason: 'resync request for another integration' };
  }
  if (body.action === 'RESYNC' && integrationId === self.identifier) {
    return { resync: true, reason: 'RESYNC action for this integration' };
  }
  const diff = asRecord(body.diff);
  const after = diff?.after;
  if (after === null || after === undefined) return { resync: false, reason: 'no diff.after (a delete, or not an integration change)' };
  const a = asRecord(after);
  if (!a) return { resync: false, reason: 'diff.after is not an object' };
  if (a.identifier !== self.identifier) return { resync: false, reason: 'change to another integration or resource' };
  if (a.updatedAt === asRecord(a.resyncState)?.updatedAt) {
    return { resync: false, reason: 'own resync-state update (updatedAt equals resyncState.updatedAt)' };
  }
  return asRecord(a.changelogDestination)?.type === 'KAFKA'
    ? { resync: true, reason: 'integration changed and its changelogDestination is KAFKA' }
    : { resync: false, reason: 'integration changed but its changelogDestination is not KAFKA' };
}

function parseValue(value: unknown): { value: unknown } | { error: string } {
  if (value === null || value === undefined) return { error: 'empty message value' };
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Uint8Array) text = decoder.decode(value);
  else return { value };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `malformed JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
