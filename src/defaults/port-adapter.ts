import type { PortClient } from '../port/index.ts';
import type { DefaultsPort } from './port-api.ts';

/** Provisioning's view of Port through the Port client, for one integration and an event context. */
export function defaultsPortFor(client: PortClient, identifier: string, event: { type: 'start'; id?: string } = { type: 'start' }): DefaultsPort {
  const ctx = { event };
  return {
    getIntegration: () => client.getIntegration(identifier, ctx),
    createIntegration: (body) => client.createIntegration(body as Parameters<PortClient['createIntegration']>[0], ctx),
    patchIntegration: (body) => client.patchIntegration(identifier, body, ctx),
    patchIntegrationConfig: (config) => client.patchIntegrationConfig(identifier, config, ctx),
    deleteIntegration: async () => {
      await client.transport.json({ method: 'DELETE', route: '/integration/{id}', params: { id: identifier }, context: ctx });
    },
    getBlueprint: (id) => client.getBlueprint(id, ctx) as Promise<Record<string, unknown> | undefined>,
    createBlueprint: (bp) => client.createBlueprint(bp as Parameters<PortClient['createBlueprint']>[0], ctx),
    patchBlueprint: (id, patch) => client.patchBlueprint(id, patch, ctx),
    deleteBlueprint: (id) => client.deleteBlueprint(id, ctx),
    deleteBlueprintWithEntities: (id) => client.deleteAllEntities(id, { ...ctx, deleteBlueprint: true }),
    getMigrationStatus: async (id) => (await client.getMigration(id, ctx)).status,
  };
}
