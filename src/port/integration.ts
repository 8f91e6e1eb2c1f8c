/**
 * The integration routes (docs/port-api.md §11): the integration object, its config, resync state, resync
 * requests and raw-data examples. POST/PATCH here are sent once (docs/behaviour.md §4.2); GETs retry.
 */
import type { PortTransport } from './client.ts';
import type { CallContext, PortIntegration, ResyncRequest, ResyncStatePatch } from './types.ts';

/** Body of `POST /integration` (Ocean). */
export interface IntegrationCreate {
  installationId: string;
  installationAppType: string;
  version: string;
  changelogDestination?: Record<string, unknown>;
  config?: Record<string, unknown>;
  actionsProcessingEnabled?: boolean;
  incrementalSyncEnabled?: boolean;
  createPortResourcesOrigin?: 'Empty' | 'Default' | 'Port';
  [key: string]: unknown;
}

export function integrationApi(transport: PortTransport) {
  /** `GET /integration/{id}`; undefined when Port has none (Tide then creates it). */
  async function getIntegration(identifier: string, options: CallContext = {}): Promise<PortIntegration | undefined> {
    const body = await transport.jsonOrUndefined<{ integration: PortIntegration }>({
      method: 'GET',
      route: '/integration/{id}',
      params: { id: identifier },
      context: options,
    });
    return body?.integration;
  }

  /** `POST /integration`. */
  async function createIntegration(integration: IntegrationCreate, options: CallContext = {}): Promise<PortIntegration> {
    const body = await transport.json<{ integration: PortIntegration }>({ method: 'POST', route: '/integration', body: integration, context: options });
    return body.integration;
  }

  /** `PATCH /integration/{id}`: each key given replaces the stored one; an empty body requests a resync. */
  async function patchIntegration(identifier: string, patch: Partial<PortIntegration>, options: CallContext = {}): Promise<PortIntegration> {
    const body = await transport.json<{ integration: PortIntegration }>({
      method: 'PATCH',
      route: '/integration/{id}',
      params: { id: identifier },
      body: patch,
      context: options,
    });
    return body.integration;
  }

  /** `PATCH /integration/{id}/config`; `skipResync` sends `x-skip-resync: true` so no resync request is created. */
  async function patchIntegrationConfig(
    identifier: string,
    config: Record<string, unknown>,
    options: CallContext & { skipResync?: boolean } = {},
  ): Promise<PortIntegration> {
    const body = await transport.json<{ integration: PortIntegration }>({
      method: 'PATCH',
      route: '/integration/{id}/config',
      params: { id: identifier },
      body: { config },
      headers: options.skipResync ? { 'x-skip-resync': 'true' } : undefined,
      context: options,
    });
    return body.integration;
  }

  /** `PATCH /integration/{id}/resync-state` (wire spelling `intervalInMinuets`); resolves with the updated integration. */
  async function patchResyncState(identifier: string, state: ResyncStatePatch, options: CallContext = {}): Promise<PortIntegration> {
    const body = await transport.json<{ integration: PortIntegration }>({
      method: 'PATCH',
      route: '/integration/{id}/resync-state',
      params: { id: identifier },
      body: state,
      context: options,
    });
    return body.integration;
  }

  /** `GET /integration/{id}/resync-request`: the newest request, or null. */
  async function getResyncRequest(identifier: string, options: CallContext = {}): Promise<ResyncRequest | null> {
    const body = await transport.json<{ request?: ResyncRequest | null }>({
      method: 'GET',
      route: '/integration/{id}/resync-request',
      params: { id: identifier },
      context: options,
    });
    return body?.request ?? null;
  }

  /** `POST /integration/{id}/kinds/{kind}/examples`; `kind` may contain `/` and is percent-encoded. */
  async function postKindExamples(identifier: string, kind: string, examples: Array<Record<string, unknown>>, options: CallContext = {}): Promise<void> {
    await transport.json({
      method: 'POST',
      route: '/integration/{id}/kinds/{kind}/examples',
      params: { id: identifier, kind },
      body: { examples },
      context: options,
    });
  }

  return { getIntegration, createIntegration, patchIntegration, patchIntegrationConfig, patchResyncState, getResyncRequest, postKindExamples };
}
