/**
 * Tide's GitHub integration: repositories, pull requests, issues, teams and workflow runs of one
 * organisation, with live events from a GitHub webhook. Web standards only (fetch, Web Crypto), so the same
 * code runs on Node, Cloudflare Workers and Deno. `.port/spec.yaml` and `.port/resources/` ship beside it.
 */
import { defineIntegration, z } from 'port-tide';
import { createAuthCache } from './auth.ts';
import { authMode, githubConfigSchema } from './config.ts';
import type { GithubConfig } from './config.ts';
import { createKinds } from './kinds.ts';
import { createWebhooks } from './webhooks.ts';

export { createAppJwt, importPrivateKey, wrapPkcs1, REFRESH_BEFORE_EXPIRY_MS } from './auth.ts';
export { DEFAULT_GITHUB_HOST, githubConfigSchema } from './config.ts';
export type { GithubConfig } from './config.ts';
export { REPOSITORY_TYPES } from './kinds.ts';
export { signPayload, verifySignature } from './webhooks.ts';

export const GITHUB_INTEGRATION_TYPE = 'github';
export const GITHUB_INTEGRATION_VERSION = '0.1.0';

export interface GithubIntegrationOptions {
  /**
   * Settings known when the definition is built (e.g. from a Worker's env), winning over the settings the
   * handlers, hooks and webhook route see.
   */
  config?: Partial<GithubConfig>;
  /** Clock for App token expiry (tests). */
  now?: () => number;
}

/** The settings with the fixed ones laid over them; unset fixed values leave the settings' own. */
function withFixed(fixed: Partial<GithubConfig> | undefined): z.ZodType<GithubConfig> {
  const defined = Object.fromEntries(Object.entries(fixed ?? {}).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0) return githubConfigSchema;
  return z.preprocess((raw) => ({ ...(raw as Record<string, unknown>), ...defined }), githubConfigSchema);
}

/**
 * A GitHub integration definition with its own token cache, so two instances in one process (tests, several
 * organisations) never share credentials.
 *
 * @example
 * export default createGithubIntegration();
 */
export function createGithubIntegration(options: GithubIntegrationOptions = {}) {
  return defineIntegration({
    type: GITHUB_INTEGRATION_TYPE,
    version: GITHUB_INTEGRATION_VERSION,
    config: withFixed(options.config),
    kinds: createKinds({ cache: createAuthCache(), now: options.now }),
    webhooks: createWebhooks(),
    onStart(ctx) {
      // Fail loudly at start rather than on the first resync.
      authMode(ctx.config);
      if (!ctx.config.webhookSecret) {
        ctx.logger.warn('[tide] [github] webhookSecret is not set: webhook deliveries are accepted without a signature check');
      }
    },
  });
}

export default createGithubIntegration();
