/**
 * The KAFKA listener's consumer (docs/behaviour.md §5.4, docs/port-api.md §12.2) without the Kafka
 * client: what to read from Port (org, feature flags, credentials), which topic and group, what a group
 * assignment or a crash means for this instance, and how each message is handled and committed. A
 * runtime with a Kafka client (kafkajs on Node) supplies {@link KafkaConnect}; everything else is here.
 */
import type { Tide } from '../integration/index.ts';
import { kafkaSecurity, parseBrokers, saslOptions, type KafkaSasl } from '../listeners/kafka-config.ts';
import type { KafkaListener } from '../listeners/index.ts';
import type { Logger } from '../logging/logger.ts';

/** What the consumer connects with. */
export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  ssl: boolean;
  sasl?: KafkaSasl;
  /** The consumer group; auto-commit is off. */
  groupId: string;
  maxWaitTimeInMs: number;
}

/** One consumed message. */
export interface KafkaMessage {
  topic: string;
  partition: number;
  offset: string;
  value: Uint8Array | string | null;
}

/** What the client reports about its group membership. */
export interface KafkaGroupEvents {
  /** After every (re)join: how many partitions this member holds. */
  joined(partitions: number, detail: { memberId: string; assignment: unknown }): void;
  /** After a fetch. */
  fetched(): void;
  /** The consumer failed; `restart` when the client restarts it by itself. */
  crashed(error: Error, restart: boolean): void;
}

/** A connected consumer: subscribe and run (new messages only), commit, disconnect. */
export interface KafkaConsumer {
  /** Connect, subscribe to `topic` and hand every message to `each`, one at a time; resolves once running. */
  consume(topic: string, each: (message: KafkaMessage) => Promise<void>): Promise<void>;
  commit(at: { topic: string; partition: number; offset: string }): Promise<void>;
  disconnect(): Promise<void>;
}

/** A runtime's Kafka client: build a consumer from the options, reporting group events. */
export type KafkaConnect = (options: KafkaClientOptions, events: KafkaGroupEvents, logger: Logger) => KafkaConsumer;

export interface KafkaConsumerHandle {
  orgId: string;
  topic: string;
  groupId: string;
  /** Leave the group and disconnect; idempotent. */
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  tide: Pick<Tide, 'settings' | 'port' | 'listener'>;
  logger: Logger;
  connect: KafkaConnect;
  /** Stop this whole instance, without waiting: another instance holds the partition, or the consumer is gone for good. */
  stopInstance: (reason: string) => void;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Read the org id and feature flags, and (with security on) the Kafka credentials from Port; then
 * subscribe to the org's topic as `{orgId}.{type}.{identifier}`, auto-commit off. Rejects when the
 * org or credentials cannot be read or the broker refuses the connection (§5.1: fatal).
 */
export async function startKafkaConsumer(o: StartKafkaOptions): Promise<KafkaConsumerHandle> {
  const { settings, port } = o.tide;
  if (o.tide.listener.type !== 'KAFKA') throw new TypeError(`[tide] the Kafka consumer needs the KAFKA listener, not ${o.tide.listener.type}`);
  const listener = o.tide.listener as KafkaListener;
  const { identifier, type } = settings.integration;
  const logger = o.logger.child({ component: 'kafka' });
  const el = settings.eventListener;

  const security = kafkaSecurity(el);
  const brokers = parseBrokers(el.brokers);
  const org = await port.getOrganization();
  let flags: string[] | undefined;
  try {
    flags = await port.getFeatureFlags();
  } catch (error) {
    // §5.4: a failed flag read means the legacy change.log topic.
    logger.warn('[tide] KAFKA: could not read the feature flags; using the change.log topic', { error: message(error) });
  }
  const credentials = security.needsCredentials ? await port.kafkaCredentials() : undefined;
  const orgId = org.id;
  const topic = listener.topic(orgId, flags);
  const groupId = listener.groupId(orgId);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= consumer.disconnect().catch((error: unknown) => logger.warn('[tide] KAFKA: disconnect failed', { error: message(error) })));
  const giveUp = (reason: string) => {
    void stop();
    o.stopInstance(reason);
  };
  const consumer = o.connect(
    {
      // The broker names members `{clientId}-{uuid}` and a round-robin assigner gives the single partition
      // to the first member id in sort order; the start time in the client id makes that the instance
      // that has run longest, so a newcomer is the one that finds itself without a partition.
      clientId: `tide-${String(Date.now()).padStart(15, '0')}-${type}-${identifier}`,
      brokers,
      ssl: security.ssl,
      sasl: saslOptions(security, credentials),
      groupId,
      maxWaitTimeInMs: Math.max(100, Math.round(el.consumerPollTimeout * 1000)),
    },
    groupEvents({ logger, groupId, topic, what: `${type}/${identifier}`, giveUp }),
    logger,
  );

  try {
    await consumer.consume(topic, async (m) => {
      try {
        // Decides and, for "resync now", starts the resync without awaiting it (§5.4): a long resync
        // never holds up this loop, so polling and heartbeats go on.
        const verdict = listener.handleKafkaMessage({ topic: m.topic, value: m.value }, orgId);
        if (!verdict.resync && /^(malformed JSON|empty message value|the message value is not)/.test(verdict.reason)) {
          logger.warn('[tide] KAFKA: skipping a message that is not a JSON object', { topic: m.topic, partition: m.partition, offset: m.offset, reason: verdict.reason });
        } else if (verdict.resync) {
          logger.info('[tide] KAFKA: resync triggered', { topic: m.topic, offset: m.offset, reason: verdict.reason });
        }
      } catch (error) {
        logger.error('[tide] KAFKA: handling a message failed; skipping it', { topic: m.topic, offset: m.offset, error: message(error) });
      }
      // At-most-once: commit once the resync has been handed over. A failed commit (a rebalance in
      // progress) is only logged: throwing would redeliver the message and start a second resync.
      try {
        await consumer.commit({ topic: m.topic, partition: m.partition, offset: (BigInt(m.offset) + 1n).toString() });
      } catch (error) {
        logger.warn('[tide] KAFKA: committing the offset failed', { topic: m.topic, partition: m.partition, offset: m.offset, error: message(error) });
      }
    });
  } catch (error) {
    await stop();
    throw new Error(`[tide] KAFKA: could not consume ${topic} from ${brokers.join(',')} as ${groupId}: ${message(error)}`);
  }
  logger.info('[tide] KAFKA: consuming', { topic, groupId, brokers: brokers.join(',') });
  return { orgId, topic, groupId, stop };
}

/** Assignment and crash events: zero partitions after any rebalance, or a final crash, end the instance. */
function groupEvents(o: { logger: Logger; groupId: string; topic: string; what: string; giveUp: (reason: string) => void }): KafkaGroupEvents {
  // The first fetch after a join has resolved the start offsets (latest for a new group): from then on
  // every new message is seen. Logged once per join, for operators and for tests that must not race it.
  let awaitingFetch = false;
  return {
    fetched() {
      if (!awaitingFetch) return;
      awaitingFetch = false;
      o.logger.info('[tide] KAFKA: listening for messages', { groupId: o.groupId, topic: o.topic });
    },
    joined(partitions, detail) {
      if (partitions === 0) {
        // The topic has one partition: holding none means another instance of this integration consumes it.
        const reason = `another instance of ${o.what} holds the partition; stopping`;
        o.logger.error(`[tide] KAFKA: ${reason}`, { groupId: o.groupId, topic: o.topic, memberId: detail.memberId });
        o.giveUp(reason);
        return;
      }
      o.logger.info('[tide] KAFKA: joined the consumer group', { groupId: o.groupId, memberAssignment: detail.assignment });
      awaitingFetch = true;
    },
    crashed(error, restart) {
      if (restart) {
        o.logger.warn('[tide] KAFKA: the consumer failed and restarts', { error: error.message });
        return;
      }
      const reason = `the Kafka consumer stopped for good: ${error.message}`;
      o.logger.error(`[tide] KAFKA: ${reason}`, { groupId: o.groupId });
      o.giveUp(reason);
    },
  };
}
