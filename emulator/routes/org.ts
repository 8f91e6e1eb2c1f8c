import { z } from 'zod';
import { notFound } from '../errors.ts';
import { ok, type Route } from '../router.ts';

/** Token, organization and Kafka-credential routes (docs/port-api.md §6, §7). */
export const orgRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/auth/access_token',
    id: 'auth.token',
    public: true,
    body: z.strictObject({ clientId: z.string(), clientSecret: z.string() }),
    handler: ({ emu, body }) => {
      const { clientId, clientSecret } = body as { clientId: string; clientSecret: string };
      return ok(emu.auth.issue(clientId, clientSecret));
    },
  },
  {
    method: 'GET',
    path: '/v1/organization',
    id: 'organization.get',
    handler: ({ emu }) => ok({ organization: emu.organization() }),
  },
  {
    method: 'GET',
    path: '/v1/kafka-credentials',
    id: 'kafkaCredentials.get',
    handler: ({ emu }) => {
      const credentials = emu.store.kv<{ username: string; password: string }>('kafkaCredentials');
      if (!credentials) throw notFound('No Kafka credentials are configured for this organization');
      return ok({ credentials });
    },
  },
];
