/**
 * Kafka delivery of the emulator's change events (docs/port-api.md §12.3, §13.5): once `PUT /_emulator/kafka`
 * points at a broker, every new outbox entry with a Kafka topic is also produced there, keyed by
 * integration identifier, and the result is recorded on the entry. Port itself publishes these
 * messages; the emulator does it so the whole KAFKA loop can be tried against a local broker.
 * Node-only (kafkajs), like the rest of the emulator.
 */
import type * as KafkaJs from 'kafkajs';
import type { Admin, Producer, SASLOptions } from 'kafkajs';
import { importOptional } from './optional.ts';
import type { OutboxEntry } from './changelog.ts';
import type { EmulatorState } from './state.ts';

export interface KafkaPublisherSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** The body of `PUT /_emulator/kafka`. */
export interface KafkaPublisherConfig {
  brokers: string[];
  enabled: boolean;
  sasl?: KafkaPublisherSasl;
  /** TLS to the broker (default false: a local broker on loopback). */
  ssl?: boolean;
}

/** What an outbox entry records about its Kafka delivery. */
export interface KafkaDelivery {
  status: 'pending' | 'delivered' | 'failed';
  partition?: number;
  offset?: string;
  error?: string;
}

interface Connection {
  producer: Producer;
  admin: Admin;
  /** Topics already created (or found) on this broker: each is created once, with one partition. */
  topics: Set<string>;
}

/** One publisher per emulator instance, kept beside the state so `EmulatorState` needs no Kafka field. */
const publishers = new WeakMap<EmulatorState, KafkaPublisher>();

export function kafkaPublisherFor(emu: EmulatorState): KafkaPublisher {
  let p = publishers.get(emu);
  if (!p) publishers.set(emu, (p = new KafkaPublisher()));
  return p;
}

/** Disconnect the producer, if any (the emulator's `close()`). */
export async function closeKafkaPublisher(emu: EmulatorState): Promise<void> {
  await publishers.get(emu)?.configure({ brokers: [], enabled: false });
}

export const isKafkaTopic = (topic: string): boolean => topic.endsWith('.change.log') || topic.endsWith('.integration.resync.requests');

export class KafkaPublisher {
  private connection: Connection | undefined;
  private config: KafkaPublisherConfig | undefined;
  /** Sends run one after another, so the broker sees events in outbox order. */
  private queue: Promise<void> = Promise.resolve();

  get enabled(): boolean {
    return this.connection !== undefined;
  }

  /** The current configuration, without the password. */
  describe(): Omit<KafkaPublisherConfig, 'sasl'> & { sasl?: Omit<KafkaPublisherSasl, 'password'> } {
    const c = this.config ?? { brokers: [], enabled: false };
    return { brokers: c.brokers, enabled: c.enabled, ssl: c.ssl ?? false, ...(c.sasl ? { sasl: { mechanism: c.sasl.mechanism, username: c.sasl.username } } : {}) };
  }

  /**
   * Replace the configuration: disconnect the old producer, then (when enabled) connect a new one and
   * create `topics` (the org's two topics) so a consumer can subscribe before the first event.
   */
  async configure(config: KafkaPublisherConfig, topics: string[] = []): Promise<void> {
    const old = this.connection;
    this.connection = undefined;
    this.config = config;
    // Let queued sends finish (or fail) on the old connection before it goes away.
    await this.queue;
    if (old) await Promise.allSettled([old.producer.disconnect(), old.admin.disconnect()]);
    if (!config.enabled) return;
    // Loaded on first use: most emulator runs never talk to Kafka.
    const { Kafka, logLevel } = await importOptional<typeof KafkaJs>('kafkajs', 'kafkajs', "the emulator's Kafka publisher");
    const kafka = new Kafka({
      clientId: 'port-emulator',
      brokers: config.brokers,
      ssl: config.ssl ?? false,
      sasl: config.sasl as SASLOptions | undefined,
      // Failures are recorded on the outbox entries; kafkajs's own logging would only repeat them.
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
    const connection: Connection = { producer: kafka.producer({ allowAutoTopicCreation: false }), admin: kafka.admin(), topics: new Set() };
    try {
      await connection.producer.connect();
      await connection.admin.connect();
      for (const topic of topics) await ensureTopic(connection, topic);
    } catch (error) {
      await Promise.allSettled([connection.producer.disconnect(), connection.admin.disconnect()]);
      throw error;
    }
    this.connection = connection;
  }

  /** Produce one outbox entry (in order, after earlier ones); its `kafka` field tracks the result. */
  publish(entry: OutboxEntry): void {
    const connection = this.connection;
    if (!connection || !isKafkaTopic(entry.topic)) return;
    const delivery: KafkaDelivery = { status: 'pending' };
    entry.kafka = delivery;
    this.queue = this.queue.then(async () => {
      try {
        await ensureTopic(connection, entry.topic);
        const [meta] = await connection.producer.send({
          topic: entry.topic,
          acks: -1,
          messages: [{ key: entry.key, value: JSON.stringify(entry.message) }],
        });
        delivery.status = 'delivered';
        delivery.partition = meta?.partition;
        delivery.offset = meta?.baseOffset;
      } catch (error) {
        delivery.status = 'failed';
        delivery.error = error instanceof Error ? error.message : String(error);
      }
    });
  }

  /** Resolves when every send queued so far has ended. */
  flush(): Promise<void> {
    return this.queue;
  }
}

async function ensureTopic(connection: Connection, topic: string): Promise<void> {
  if (connection.topics.has(topic)) return;
  const existing = await connection.admin.listTopics();
  // Port's change topics have one partition; a second instance then gets nothing to consume (§12.2).
  if (!existing.includes(topic)) await connection.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  connection.topics.add(topic);
}
