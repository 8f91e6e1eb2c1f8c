/**
 * Blueprints and delete-all migrations (docs/port-api.md §8). Reads are cached for 120 s per blueprint, because
 * a resync reads the same blueprints for every batch; writes through this client drop the entry, and
 * `clearBlueprintCache()` is called at the start and end of each resync. Writes are sent once.
 */
import type { PortTransport } from './client.ts';
import type { CallContext, PortBlueprint, PortMigration } from './types.ts';

const CACHE_MS = 120_000;
const MIGRATION_POLL_MS = 5_000;
const MIGRATION_RUNNING = new Set(['RUNNING', 'INITIALIZING', 'PENDING']);

export function blueprintApi(transport: PortTransport) {
  const cache = new Map<string, { at: number; value: Promise<PortBlueprint | undefined> }>();

  /** `GET /blueprints/{bp}`, cached 120 s; undefined when it does not exist (misses are not cached). */
  function getBlueprint(identifier: string, options: CallContext = {}): Promise<PortBlueprint | undefined> {
    const hit = cache.get(identifier);
    if (hit && transport.now() - hit.at < CACHE_MS) return hit.value;
    const value = transport
      .jsonOrUndefined<{ blueprint: PortBlueprint }>({ method: 'GET', route: '/blueprints/{blueprint}', params: { blueprint: identifier }, context: options })
      .then((body) => body?.blueprint);
    const entry = { at: transport.now(), value };
    cache.set(identifier, entry);
    // Failures and misses must not stick: the next call asks again.
    value.then(
      (bp) => {
        if (bp === undefined && cache.get(identifier) === entry) cache.delete(identifier);
      },
      () => {
        if (cache.get(identifier) === entry) cache.delete(identifier);
      },
    );
    return value;
  }

  /** `GET /blueprints`: every blueprint of the organisation (not cached: a resync reads it at most once). */
  async function listBlueprints(options: CallContext = {}): Promise<PortBlueprint[]> {
    const body = await transport.json<{ blueprints?: PortBlueprint[] }>({ method: 'GET', route: '/blueprints', context: options });
    return body?.blueprints ?? [];
  }

  function clearBlueprintCache(): void {
    cache.clear();
  }

  /** `POST /blueprints`. */
  async function createBlueprint(blueprint: PortBlueprint, options: CallContext & { createCatalogPage?: boolean } = {}): Promise<PortBlueprint> {
    cache.delete(blueprint.identifier);
    const body = await transport.json<{ blueprint: PortBlueprint }>({
      method: 'POST',
      route: '/blueprints',
      query: { create_catalog_page: options.createCatalogPage },
      body: blueprint,
      context: options,
    });
    return body.blueprint;
  }

  /** `PATCH /blueprints/{bp}`: each top-level key given replaces that key. */
  async function patchBlueprint(identifier: string, patch: Partial<PortBlueprint>, options: CallContext = {}): Promise<PortBlueprint> {
    cache.delete(identifier);
    const body = await transport.json<{ blueprint: PortBlueprint }>({
      method: 'PATCH',
      route: '/blueprints/{blueprint}',
      params: { blueprint: identifier },
      body: patch,
      context: options,
    });
    cache.delete(identifier);
    return body.blueprint;
  }

  /** `DELETE /blueprints/{bp}`. Port refuses while entities or inbound relations exist. */
  async function deleteBlueprint(identifier: string, options: CallContext & { deleteActions?: boolean } = {}): Promise<void> {
    cache.delete(identifier);
    await transport.json({
      method: 'DELETE',
      route: '/blueprints/{blueprint}',
      params: { blueprint: identifier },
      query: { delete_actions: options.deleteActions },
      context: options,
    });
  }

  /** `DELETE /blueprints/{bp}/all-entities`; resolves with the migration id to poll. */
  async function deleteAllEntities(identifier: string, options: CallContext & { deleteBlueprint?: boolean } = {}): Promise<string> {
    if (options.deleteBlueprint) cache.delete(identifier);
    const body = await transport.json<{ migrationId: string }>({
      method: 'DELETE',
      route: '/blueprints/{blueprint}/all-entities',
      params: { blueprint: identifier },
      query: { delete_blueprint: options.deleteBlueprint },
      context: options,
    });
    return body.migrationId;
  }

  /** `GET /migrations/{id}`. */
  async function getMigration(id: string, options: CallContext = {}): Promise<PortMigration> {
    const body = await transport.json<{ migration: PortMigration }>({ method: 'GET', route: '/migrations/{id}', params: { id }, context: options });
    return body.migration;
  }

  /** Poll a migration every 5 s while it is RUNNING, INITIALIZING or PENDING; resolves with its final state. */
  async function waitForMigration(id: string, options: CallContext & { intervalMs?: number } = {}): Promise<PortMigration> {
    for (;;) {
      const migration = await getMigration(id, options);
      if (!MIGRATION_RUNNING.has(migration.status)) return migration;
      await transport.sleep(options.intervalMs ?? MIGRATION_POLL_MS, options.signal);
    }
  }

  return { getBlueprint, listBlueprints, clearBlueprintCache, createBlueprint, patchBlueprint, deleteBlueprint, deleteAllEntities, getMigration, waitForMigration };
}
