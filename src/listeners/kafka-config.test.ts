/** The KAFKA listener's connection settings (docs/behaviour.md §5.4) as a Kafka client's options. No broker needed. */
import { describe, expect, it } from 'vitest';
import { kafkaSecurity, parseBrokers, saslOptions } from './kafka-config.ts';

const settings = (o: Partial<Parameters<typeof kafkaSecurity>[0]> = {}) => ({
  kafkaSecurityEnabled: true,
  securityProtocol: 'SASL_SSL',
  authenticationMechanism: 'SCRAM-SHA-512',
  ...o,
});

describe('kafkaSecurity', () => {
  it("defaults to Port's brokers: SCRAM-SHA-512 over TLS, with Port's credentials", () => {
    expect(kafkaSecurity(settings())).toEqual({ ssl: true, saslMechanism: 'scram-sha-512', needsCredentials: true });
  });

  it('supports a local broker: SASL without TLS, other mechanisms, plaintext', () => {
    expect(kafkaSecurity(settings({ securityProtocol: 'sasl_plaintext', authenticationMechanism: 'scram-sha-256' }))).toEqual({
      ssl: false,
      saslMechanism: 'scram-sha-256',
      needsCredentials: true,
    });
    expect(kafkaSecurity(settings({ securityProtocol: 'SASL_PLAINTEXT', authenticationMechanism: 'PLAIN' })).saslMechanism).toBe('plain');
    expect(kafkaSecurity(settings({ securityProtocol: 'PLAINTEXT' }))).toEqual({ ssl: false, needsCredentials: true });
    expect(kafkaSecurity(settings({ securityProtocol: 'SSL' }))).toEqual({ ssl: true, needsCredentials: true });
  });

  it('with security off uses neither TLS, SASL nor credentials, whatever the protocol says', () => {
    expect(kafkaSecurity(settings({ kafkaSecurityEnabled: false }))).toEqual({ ssl: false, needsCredentials: false });
  });

  it('rejects unknown protocols and mechanisms with the setting named', () => {
    expect(() => kafkaSecurity(settings({ securityProtocol: 'TLS' }))).toThrow(/securityProtocol "TLS"/);
    expect(() => kafkaSecurity(settings({ authenticationMechanism: 'GSSAPI' }))).toThrow(/authenticationMechanism "GSSAPI"/);
  });
});

describe('saslOptions', () => {
  it("carries Port's credentials for SASL protocols only", () => {
    const creds = { username: 'u', password: 'p' };
    expect(saslOptions(kafkaSecurity(settings()), creds)).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(saslOptions(kafkaSecurity(settings({ securityProtocol: 'SSL' })), creds)).toBeUndefined();
  });
});

describe('parseBrokers', () => {
  it('accepts a comma list (spaces trimmed) or a JSON array', () => {
    expect(parseBrokers('a:9196, b:9196,,c:9196')).toEqual(['a:9196', 'b:9196', 'c:9196']);
    expect(parseBrokers('["a:9196","b:9196"]')).toEqual(['a:9196', 'b:9196']);
  });

  it('rejects an empty setting', () => {
    expect(() => parseBrokers(' , ')).toThrow(/brokers is empty/);
  });
});
