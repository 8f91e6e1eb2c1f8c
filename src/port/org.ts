/**
 * Organization and Kafka credentials (docs/port-api.md §7). Feature flags are cached for 300 s; missing Kafka
 * credentials are a clear, fatal error for the KAFKA listener.
 */
import type { PortTransport } from './client.ts';
import { KafkaCredentialsNotFoundError, PortApiError } from './errors.ts';
import type { CallContext, KafkaCredentials, PortOrganization } from './types.ts';

const FLAGS_CACHE_MS = 300_000;

export function orgApi(transport: PortTransport) {
  let flags: { at: number; value: string[] } | undefined;

  /** `GET /organization` (uncached; refreshes the feature-flag cache). */
  async function getOrganization(options: CallContext = {}): Promise<PortOrganization> {
    const body = await transport.json<{ organization: PortOrganization }>({ method: 'GET', route: '/organization', context: options });
    flags = { at: transport.now(), value: body.organization.featureFlags ?? [] };
    return body.organization;
  }

  /** The organization's feature flags, cached 300 s. */
  async function getFeatureFlags(options: CallContext = {}): Promise<string[]> {
    if (flags && transport.now() - flags.at < FLAGS_CACHE_MS) return flags.value;
    await getOrganization(options);
    return (flags as { value: string[] }).value;
  }

  /** `GET /kafka-credentials`; a 404 or a body without credentials throws `KafkaCredentialsNotFoundError`. */
  async function kafkaCredentials(options: CallContext = {}): Promise<KafkaCredentials> {
    let body: { credentials?: Partial<KafkaCredentials> | null } | undefined;
    try {
      body = await transport.json({ method: 'GET', route: '/kafka-credentials', context: options });
    } catch (error) {
      if (error instanceof PortApiError && error.status === 404) {
        throw new KafkaCredentialsNotFoundError(`Port answered 404${error.traceId ? ` (trace id ${error.traceId})` : ''}`);
      }
      throw error;
    }
    const credentials = body?.credentials;
    if (!credentials || typeof credentials.username !== 'string' || typeof credentials.password !== 'string') {
      throw new KafkaCredentialsNotFoundError('the response carries no username and password');
    }
    return { username: credentials.username, password: credentials.password };
  }

  return { getOrganization, getFeatureFlags, kafkaCredentials };
}
