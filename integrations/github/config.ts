/**
 * The GitHub integration's settings, keyed by `.port/spec.yaml` configuration names
 * (`OCEAN__INTEGRATION__CONFIG__<NAME>`), and what is derived from them (API root, credentials).
 */
import { z } from 'port-tide';

const optionalText = z.string().trim().optional();
// An id written as a number in config.yaml is still an id.
const optionalId = z.union([z.string(), z.number()]).transform((v) => String(v).trim()).optional();

/** `integration.config`, checked once at startup; handlers, hooks and webhook routes receive its output. */
export const githubConfigSchema = z.object({
  /** REST API root; `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  githubHost: optionalText,
  githubOrganization: z.string({ error: 'expected the organisation login (e.g. octo-org)' }).trim().min(1, { error: 'expected the organisation login (e.g. octo-org)' }),
  /** A personal access token (classic or fine-grained) or any bearer token. */
  githubToken: optionalText,
  /** GitHub App auth: the App ID (or client ID), its private key (PEM), and optionally the installation. */
  githubAppId: optionalId,
  githubAppPrivateKey: optionalText,
  githubAppInstallationId: optionalId,
  /** The webhook's secret; when set, every delivery must carry a valid `X-Hub-Signature-256`. */
  webhookSecret: z.string().optional(),
});

export type GithubConfig = z.output<typeof githubConfigSchema>;

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
