/**
 * Tide's Node adapter: `sail()` (the `tide sail` / `tide plan` engine, integration by name or folder),
 * `serve()` (the same for a definition object in a user's own entry file), the on-disk StateStore,
 * the stderr/stdout logger and the bundled integrations table (`port-tide/node`). A TypeScript
 * integration folder is imported through tsx's loader, registered on first use.
 */
export { BUNDLED_INTEGRATIONS, resolveIntegration } from './resolve.ts';
export type { BundledIntegration, ResolvedIntegration } from './resolve.ts';
export { createNodeLogger } from './logger.ts';
export type { NodeLoggerOptions } from './logger.ts';
export { createFileStateStore } from './file-state-store.ts';
export { sail, serve } from './sail.ts';
export type { SailOptions, ServeOptions, SailResult } from './sail.ts';
export { loadIntegrationFolder, readConfigYaml, readEnvironment } from './load.ts';
export type { IntegrationFolder } from './load.ts';
