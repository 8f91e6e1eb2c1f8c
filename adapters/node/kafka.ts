/**
 * The KAFKA listener's transport on Node (OCEAN-BEHAVIOUR §5.4, PORT-API §12.2): a kafkajs consumer
 * that feeds every message to the core's `handleKafkaMessage` (which decides, and starts a resync
 * without waiting for it) and then commits the offset. `run()` starts it after `tide.start()`.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, logCreator, RetryOptions } from 'kafkajs';
import type { Tide } from '../../src/integration/create-tide.ts';
import type { KafkaListener } from '../../src/listeners/index.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { kafkaSecurity, parseBrokers, saslOptions } from './kafka-config.ts';

/** Consumer timings; the defaults are kafkajs's. Tests shorten them. */
export interface KafkaTuning {
  /** ms without a heartbeat before the broker drops this member (kafkajs default 30 000). */
  sessionTimeout?: number;
  /** ms between heartbeats (kafkajs default 3 000). */
  heartbeatInterval?: number;
  /** ms the broker waits for members to rejoin in a rebalance (kafkajs default 60 000). */
  rebalanceTimeout?: number;
  retry?: RetryOptions;
}

export interface KafkaConsumerOptions {
  tide: Pick<Tide, 'settings' | 'port' | 'listener'>;
  logger: Logger;
  /**
   * Stop this whole instance (sail's `stop`). Called, without waiting, when another instance holds the
   * partition or when the consumer crashed for good.
   */
  stopInstance: (reason: string) => void;
  tuning?: KafkaTuning;
}

export interface KafkaConsumerHandle {
  orgId: string;
  topic: string;
  groupId: string;
  /** Leave the group and disconnect; idempotent. */
  stop(): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Read the org id and feature flags, and (with security on) the Kafka credentials from Port; then
 * subscribe to the org's topic as `{orgId}.{type}.{identifier}`, auto-commit off. Rejects when the
 * org or credentials cannot be read or the broker refuses the connection (§5.1: fatal).
 */
export async function startKafkaConsumer(o: KafkaConsumerOptions): Promise<KafkaConsumerHandle> {
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

  const kafka = new Kafka({
    // The broker names members `{clientId}-{uuid}` and kafkajs's round-robin assigner gives the single
    // partition to the first member id in sort order; the start time in the client id makes that the
    // instance that has run longest, so a newcomer is the one that finds itself without a partition.
    clientId: `tide-${String(Date.now()).padStart(15, '0')}-${type}-${identifier}`,
    brokers,
    ssl: security.ssl,
    sasl: saslOptions(security, credentials),
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogs(logger),
    retry: o.tuning?.retry,
  });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: o.tuning?.sessionTimeout,
    heartbeatInterval: o.tuning?.heartbeatInterval,
    rebalanceTimeout: o.tuning?.rebalanceTimeout,
    maxWaitTimeInMs: Math.max(100, Math.round(el.consumerPollTimeout * 1000)),
    allowAutoTopicCreation: false,
    retry: o.tuning?.retry,
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= consumer.disconnect().catch((error: unknown) => logger.warn('[tide] KAFKA: disconnect failed', { error: message(error) })));
  const giveUp = (reason: string) => {
    void stop();
    o.stopInstance(reason);
  };

  watchGroup(consumer, { logger, groupId, topic, what: `${type}/${identifier}`, giveUp });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: from, partition, message: m }) => {
        try {
          // Decides and, for "resync now", starts the resync without awaiting it (§5.4): a long resync
          // never holds up this loop, so polling and heartbeats go on.
          const verdict = listener.handleKafkaMessage({ topic: from, value: m.value }, orgId);
          if (!verdict.resync && /^(malformed JSON|empty message value|the message value is not)/.test(verdict.reason)) {
            logger.warn('[tide] KAFKA: skipping a message that is not a JSON object', { topic: from, partition, offset: m.offset, reason: verdict.reason });
          } else if (verdict.resync) {
            logger.info('[tide] KAFKA: resync triggered', { topic: from, offset: m.offset, reason: verdict.reason });
          }
        } catch (error) {
          logger.error('[tide] KAFKA: handling a message failed; skipping it', { topic: from, offset: m.offset, error: message(error) });
        }
        // At-most-once: commit once the resync has been handed over. A failed commit (a rebalance in
        // progress) is only logged: throwing would redeliver the message and start a second resync.
        try {
          await consumer.commitOffsets([{ topic: from, partition, offset: (BigInt(m.offset) + 1n).toString() }]);
        } catch (error) {
          logger.warn('[tide] KAFKA: committing the offset failed', { topic: from, partition, offset: m.offset, error: message(error) });
        }
      },
    });
  } catch (error) {
    await stop();
    throw new Error(`[tide] KAFKA: could not consume ${topic} from ${brokers.join(',')} as ${groupId}: ${message(error)}`);
  }
  logger.info('[tide] KAFKA: consuming', { topic, groupId, brokers: brokers.join(',') });
  return { orgId, topic, groupId, stop };
}

/** Assignment and crash events: zero partitions after any rebalance, or a final crash, end the instance. */
function watchGroup(
  consumer: Consumer,
  o: { logger: Logger; groupId: string; topic: string; what: string; giveUp: (reason: string) => void },
): void {
  // The first fetch after a join has resolved the start offsets (latest for a new group): from then on
  // every new message is seen. Logged once per join, for operators and for tests that must not race it.
  let awaitingFetch = false;
  consumer.on(consumer.events.FETCH, () => {
    if (!awaitingFetch) return;
    awaitingFetch = false;
    o.logger.info('[tide] KAFKA: listening for messages', { groupId: o.groupId, topic: o.topic });
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = Object.values(payload.memberAssignment).reduce((n, list) => n + list.length, 0);
    if (partitions === 0) {
      // The topic has one partition: holding none means another instance of this integration consumes it.
      const reason = `another instance of ${o.what} holds the partition; stopping`;
      o.logger.error(`[tide] KAFKA: ${reason}`, { groupId: o.groupId, topic: o.topic, memberId: payload.memberId });
      o.giveUp(reason);
      return;
    }
    o.logger.info('[tide] KAFKA: joined the consumer group', { groupId: o.groupId, memberAssignment: payload.memberAssignment });
    awaitingFetch = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) {
      o.logger.warn('[tide] KAFKA: the consumer failed and restarts', { error: payload.error.message });
      return;
    }
    const reason = `the Kafka consumer stopped for good: ${payload.error.message}`;
    o.logger.error(`[tide] KAFKA: ${reason}`, { groupId: o.groupId });
    o.giveUp(reason);
  });
}

/** kafkajs's own warnings and errors go to Tide's logger (broker restarts show up here). */
function kafkajsLogs(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs repeats the time and a stack on every line; Tide's logger has its own time stamp.
      const { message: text, timestamp: _t, logger: _l, stack: _s, ...fields } = log as typeof log & { stack?: unknown; logger?: unknown };
      const line = `kafkajs ${namespace}: ${text}`;
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(line, fields);
      else logger.debug(line, fields);
    };
}
