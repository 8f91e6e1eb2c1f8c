/**
 * Tide's declarative HTTP integration: any REST API, connected by describing its endpoints in the
 * integration config (base URL, auth, pagination, items path, query parameters, nested endpoints, and the
 * statuses and attempts of its retries). Every
 * kind of the mapping is an endpoint of `endpoints`, so there is no per-API code: one catch-all handler
 * walks whichever endpoint the resource names. `.port/` ships an example describing a small
 * JSONPlaceholder-like API (users, posts, each user's todos).
 */
import { defineIntegration } from 'port-tide';
import { configOf, resyncKind } from './resync.ts';

export { HttpConfigError, jqIssues, loadHttpConfig, validateHttpConfig } from './config.ts';
export type { AuthConfig, EndpointConfig, HttpConfig, PaginationConfig } from './config.ts';
export { endpointUrl } from './fetch-endpoint.ts';
export { resyncKind } from './resync.ts';

export const HTTP_INTEGRATION_TYPE = 'http';
export const HTTP_INTEGRATION_VERSION = '0.1.0';

export default defineIntegration({
  type: HTTP_INTEGRATION_TYPE,
  version: HTTP_INTEGRATION_VERSION,
  // Kinds come from the config, which is only known at run time: the catch-all serves them all.
  kinds: {},
  catchAll: (ctx) => resyncKind(ctx),
  async onStart(ctx) {
    // Start hooks run in the background and cannot stop the process; a bad description is logged here
    // (every field at once) and fails each resync in onResyncStart.
    const config = await configOf(ctx.config);
    ctx.logger.info('http: endpoints described', { baseUrl: config.baseUrl, auth: config.auth.type, kinds: Object.keys(config.endpoints) });
  },
  async onResyncStart(ctx) {
    await configOf(ctx.config);
  },
});
