/**
 * The GitHub integration's settings, keyed by `.port/spec.yaml` configuration names, and the small
 * per-definition holder that lets webhook processors (which receive no context) see them.
 */

/** `integration.config` as the spec types it (`OCEAN__INTEGRATION__CONFIG__<NAME>`). */
export interface GithubConfig {
  /** REST API root; `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  githubHost?: string;
  githubOrganization: string;
  /** A personal access token (classic or fine-grained) or any bearer token. */
  githubToken?: string;
  /** GitHub App auth: the App ID (or client ID), its private key (PEM), and optionally the installation. */
  githubAppId?: string;
  githubAppPrivateKey?: string;
  githubAppInstallationId?: string;
  /** The webhook's secret; when set, every delivery must carry a valid `X-Hub-Signature-256`. */
  webhookSecret?: string;
}

export const DEFAULT_GITHUB_HOST = 'https://api.github.com';

/** The API root without a trailing slash. */
export function apiBase(config: Pick<GithubConfig, 'githubHost'>): string {
  const host = config.githubHost?.trim() || DEFAULT_GITHUB_HOST;
  return host.replace(/\/+$/, '');
}

/** Which credentials the config carries; a token wins when both are given (it needs no exchange). */
export type GithubAuthMode = { type: 'token'; token: string } | { type: 'app'; appId: string; privateKey: string; installationId?: string };

export function authMode(config: GithubConfig): GithubAuthMode {
  const token = config.githubToken?.trim();
  if (token) return { type: 'token', token };
  const appId = config.githubAppId === undefined ? '' : String(config.githubAppId).trim();
  const privateKey = config.githubAppPrivateKey?.trim();
  if (appId && privateKey) {
    const installationId = config.githubAppInstallationId === undefined ? '' : String(config.githubAppInstallationId).trim();
    return { type: 'app', appId, privateKey, installationId: installationId || undefined };
  }
  if (appId || privateKey) {
    const missing = appId ? 'githubAppPrivateKey (OCEAN__INTEGRATION__CONFIG__GITHUB_APP_PRIVATE_KEY)' : 'githubAppId (OCEAN__INTEGRATION__CONFIG__GITHUB_APP_ID)';
    throw new Error(`[tide] [github] GitHub App auth needs both githubAppId and githubAppPrivateKey; ${missing} is not set`);
  }
  throw new Error(
    '[tide] [github] no credentials: set githubToken (OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN), or githubAppId and githubAppPrivateKey for a GitHub App',
  );
}

export function organization(config: GithubConfig): string {
  const org = config.githubOrganization?.trim();
  if (!org) throw new Error('[tide] [github] githubOrganization (OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION) is not set');
  return org;
}

/**
 * Webhook processors are created with no arguments (OCEAN-BEHAVIOUR §6.2), so they cannot be handed the
 * config. The integration's hooks and resync handlers record it here, one holder per definition (not a
 * module global), and `verify` reads the secret from it.
 */
export interface ConfigHolder {
  current(): GithubConfig | undefined;
  set(config: GithubConfig): void;
}

export function createConfigHolder(initial?: Partial<GithubConfig>): ConfigHolder {
  let config: GithubConfig | undefined = initial && Object.keys(initial).length > 0 ? (initial as GithubConfig) : undefined;
  const fixed = initial ?? {};
  return {
    current: () => config,
    // Explicit options given to createGithubIntegration() win over the settings.
    set: (next) => {
      config = { ...next, ...definedOnly(fixed) };
    },
  };
}

function definedOnly(record: Partial<GithubConfig>): Partial<GithubConfig> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<GithubConfig>;
}
