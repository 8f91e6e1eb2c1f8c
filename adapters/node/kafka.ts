/**
 * The KAFKA listener's transport on Node: kafkajs under the core's Kafka consumer, which decides what
 * to read from Port, which topic and group, and what each message and group event means.
 */
import type * as KafkaJs from 'kafkajs';
import type { logCreator, RetryOptions, SASLOptions } from 'kafkajs';
import type { Logger } from '../../src/index.ts';
import { startKafkaConsumer as startConsumer, type KafkaConnect, type KafkaConsumerHandle, type StartKafkaOptions } from '../../src/runtime/index.ts';
import { importOptional } from '../../emulator/optional.ts';

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

/** The core's Kafka consumer over kafkajs (an optional dependency, loaded here: only this listener needs it). */
export async function startKafkaConsumer(o: Omit<StartKafkaOptions, 'connect'> & { tuning?: KafkaTuning }): Promise<KafkaConsumerHandle> {
  const kafkajs = await importOptional<typeof KafkaJs>('kafkajs', 'kafkajs', 'the KAFKA event listener');
  return startConsumer({ ...o, connect: connectWith(kafkajs, o.tuning) });
}

function connectWith({ Kafka, logLevel }: typeof KafkaJs, tuning: KafkaTuning = {}): KafkaConnect {
  return (o, events, logger) => {
    const kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, ssl: o.ssl, sasl: o.sasl as SASLOptions | undefined, logLevel: logLevel.WARN, logCreator: kafkajsLogs(logger, logLevel), retry: tuning.retry });
    const consumer = kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: tuning.sessionTimeout,
      heartbeatInterval: tuning.heartbeatInterval,
      rebalanceTimeout: tuning.rebalanceTimeout,
      maxWaitTimeInMs: o.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
      retry: tuning.retry,
    });
    consumer.on(consumer.events.FETCH, () => events.fetched());
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      events.joined(Object.values(payload.memberAssignment).reduce((n, list) => n + list.length, 0), { memberId: payload.memberId, assignment: payload.memberAssignment }),
    );
    consumer.on(consumer.events.CRASH, ({ payload }) => events.crashed(payload.error, payload.restart));
    return {
      async consume(topic, each) {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: false });
        await consumer.run({ autoCommit: false, eachMessage: ({ topic: from, partition, message }) => each({ topic: from, partition, offset: message.offset, value: message.value }) });
      },
      commit: (at) => consumer.commitOffsets([at]),
      disconnect: () => consumer.disconnect(),
    };
  };
}

/** kafkajs's own warnings and errors go to Tide's logger (broker restarts show up here). */
function kafkajsLogs(logger: Logger, logLevel: typeof KafkaJs.logLevel): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs repeats the time and a stack on every line; Tide's logger has its own time stamp.
      const { message: text, timestamp: _t, logger: _l, stack: _s, ...fields } = log as typeof log & { stack?: unknown; logger?: unknown };
      const line = `kafkajs ${namespace}: ${text}`;
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(line, fields);
      else logger.debug(line, fields);
    };
}
