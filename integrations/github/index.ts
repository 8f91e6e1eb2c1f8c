/**
 * Tide's GitHub integration: repositories, pull requests, issues, teams and workflow runs of one
 * organisation, with live events from a GitHub webhook. Web standards only (fetch, Web Crypto), so the same
 * code runs on Node, Cloudflare Workers and Deno. `.port/spec.yaml` and `.port/resources/` ship beside it.
 */
import { defineIntegration } from '../../src/index.ts';
import type { HookContext, IntegrationDefinition } from '../../src/index.ts';
import { createAuthCache } from './auth.ts';
import { authMode, createConfigHolder } from './config.ts';
import type { GithubConfig } from './config.ts';
import { createKinds } from './kinds.ts';
import { createWebhooks } from './webhooks.ts';

export { createAppJwt, importPrivateKey, wrapPkcs1, REFRESH_BEFORE_EXPIRY_MS } from './auth.ts';
export { DEFAULT_GITHUB_HOST } from './config.ts';
export type { GithubConfig } from './config.ts';
export { REPOSITORY_TYPES } from './kinds.ts';
export { signPayload, verifySignature } from './webhooks.ts';

export const GITHUB_INTEGRATION_TYPE = 'github';
export const GITHUB_INTEGRATION_VERSION = '0.1.0';

export interface GithubIntegrationOptions {
  /**
   * Settings known when the definition is built (e.g. from a Worker's env), winning over the settings the
   * hooks and webhook processors see.
   */
  config?: Partial<GithubConfig>;
  /** Clock for App token expiry (tests). */
  now?: () => number;
}

/**
 * A GitHub integration definition with its own config holder and token cache, so two instances in one
 * process (tests, several organisations) never share credentials.
 *
 * @example
 * export default createGithubIntegration();
 */
export function createGithubIntegration(options: GithubIntegrationOptions = {}): IntegrationDefinition<GithubConfig> {
  const holder = createConfigHolder(options.config);
  const cache = createAuthCache();
  const remember = (ctx: HookContext<GithubConfig>): void => holder.set(ctx.config);

  return defineIntegration<GithubConfig>({
    type: GITHUB_INTEGRATION_TYPE,
    version: GITHUB_INTEGRATION_VERSION,
    kinds: createKinds({ holder, cache, now: options.now }),
    webhooks: createWebhooks(holder),
    onStart(ctx) {
      remember(ctx);
      const config = holder.current() ?? ctx.config;
      // Fail loudly at start rather than on the first resync.
      authMode(config);
      if (!config.webhookSecret) {
        ctx.logger.warn('[tide] [github] webhookSecret is not set: webhook deliveries are accepted without a signature check');
      }
    },
    onResyncStart: remember,
  });
}

export default createGithubIntegration();
