/**
 * The KAFKA listener's connection settings (docs/behaviour.md §5.4) as a Kafka client's options: brokers,
 * TLS and SASL. Port's brokers want SCRAM-SHA-512 over TLS (`SASL_SSL`); `securityProtocol` and
 * `authenticationMechanism` are settings so the same consumer can run against a local broker.
 */

/** The `eventListener` settings read here. */
export interface KafkaSecuritySettings {
  kafkaSecurityEnabled: boolean;
  securityProtocol: string;
  authenticationMechanism: string;
}

export interface KafkaSecurity {
  ssl: boolean;
  /** The SASL mechanism as Kafka clients name it (kafkajs's spelling); `undefined` when the protocol uses no SASL. */
  saslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  /** With security on, Port's `GET /kafka-credentials` is read and its absence is fatal. */
  needsCredentials: boolean;
}

const PROTOCOLS: Record<string, { ssl: boolean; sasl: boolean }> = {
  SASL_SSL: { ssl: true, sasl: true },
  SASL_PLAINTEXT: { ssl: false, sasl: true },
  SSL: { ssl: true, sasl: false },
  PLAINTEXT: { ssl: false, sasl: false },
};

const MECHANISMS: Record<string, NonNullable<KafkaSecurity['saslMechanism']>> = {
  'SCRAM-SHA-512': 'scram-sha-512',
  'SCRAM-SHA-256': 'scram-sha-256',
  PLAIN: 'plain',
};

/**
 * TLS and SASL for the settings. With `kafkaSecurityEnabled` off, Ocean connects with the brokers
 * alone (no TLS, no SASL, no credentials), whatever the protocol says.
 *
 * @example kafkaSecurity({ kafkaSecurityEnabled: true, securityProtocol: 'SASL_SSL', authenticationMechanism: 'SCRAM-SHA-512' })
 * // { ssl: true, saslMechanism: 'scram-sha-512', needsCredentials: true }
 */
export function kafkaSecurity(s: KafkaSecuritySettings): KafkaSecurity {
  if (!s.kafkaSecurityEnabled) return { ssl: false, needsCredentials: false };
  const protocol = PROTOCOLS[s.securityProtocol.trim().toUpperCase()];
  if (!protocol) {
    throw new TypeError(`[tide] KAFKA: unsupported securityProtocol ${JSON.stringify(s.securityProtocol)} (expected one of ${Object.keys(PROTOCOLS).join(', ')})`);
  }
  if (!protocol.sasl) return { ssl: protocol.ssl, needsCredentials: true };
  const mechanism = MECHANISMS[s.authenticationMechanism.trim().toUpperCase()];
  if (!mechanism) {
    throw new TypeError(
      `[tide] KAFKA: unsupported authenticationMechanism ${JSON.stringify(s.authenticationMechanism)} (expected one of ${Object.keys(MECHANISMS).join(', ')})`,
    );
  }
  return { ssl: protocol.ssl, saslMechanism: mechanism, needsCredentials: true };
}

/** SASL for a Kafka client (kafkajs's `sasl` option) from the security and Port's credentials. */
export interface KafkaSasl {
  mechanism: NonNullable<KafkaSecurity['saslMechanism']>;
  username: string;
  password: string;
}

export function saslOptions(security: KafkaSecurity, credentials: { username: string; password: string } | undefined): KafkaSasl | undefined {
  if (!security.saslMechanism || !credentials) return undefined;
  return { mechanism: security.saslMechanism, username: credentials.username, password: credentials.password };
}

/**
 * The brokers setting as a list. The settings loader already joins a JSON array with commas; a raw
 * JSON-array string is still accepted here so the function stands on its own.
 *
 * @example parseBrokers('a:9096, b:9096') // ['a:9096', 'b:9096']
 * @example parseBrokers('["a:9096","b:9096"]') // ['a:9096', 'b:9096']
 */
export function parseBrokers(brokers: string): string[] {
  const text = brokers.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map((b) => String(b).trim()).filter(Boolean);
    } catch {
      // Not JSON after all: fall through to the comma list.
    }
  }
  const list = text.split(',').map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new TypeError('[tide] KAFKA: eventListener.brokers is empty');
  return list;
}
