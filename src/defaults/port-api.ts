/**
 * What provisioning needs from Port, as a narrow interface: the Port client implements it, and tests
 * can count what was called. Methods resolve `undefined` for a 404 where a missing object is normal.
 */
export interface IntegrationRecord {
  identifier?: string;
  installationAppType?: string;
  version?: string | null;
  config?: unknown;
  changelogDestination?: unknown;
  actionsProcessingEnabled?: boolean;
  incrementalSyncEnabled?: boolean;
  processingMode?: string;
  arePortResourcesInitialized?: boolean;
  createPortResourcesOrigin?: 'Empty' | 'Default' | 'Port' | string;
  [key: string]: unknown;
}

export interface DefaultsPort {
  getIntegration(): Promise<IntegrationRecord | undefined>;
  createIntegration(body: Record<string, unknown>): Promise<IntegrationRecord>;
  patchIntegration(body: Record<string, unknown>): Promise<IntegrationRecord>;
  patchIntegrationConfig(config: Record<string, unknown>): Promise<IntegrationRecord>;
  deleteIntegration(): Promise<void>;
  getBlueprint(id: string): Promise<Record<string, unknown> | undefined>;
  createBlueprint(blueprint: Record<string, unknown>): Promise<unknown>;
  patchBlueprint(id: string, patch: Record<string, unknown>): Promise<unknown>;
  deleteBlueprint(id: string): Promise<void>;
  /** DELETE /blueprints/{id}/all-entities?delete_blueprint=true → the migration id. */
  deleteBlueprintWithEntities(id: string): Promise<string>;
  getMigrationStatus(id: string): Promise<string>;
}
