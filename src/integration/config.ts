/**
 * The integration's own config (`integration.config`, docs/behaviour.md §2.5): checked once, at startup, by the
 * definition's `config` schema, so every handler, hook and webhook route receives it typed and valid.
 */
import type { ZodType } from 'zod';
import { envVarFor } from '../config/index.ts';

/** One bad config value: where it is, the variable that sets it, and what was expected. */
export interface IntegrationConfigIssue {
  /** e.g. `integration.config.githubOrganization`. */
  path: string;
  /** e.g. `OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION`. */
  envVar: string;
  message: string;
}

/** `integration.config` does not satisfy the integration's schema; the message lists every problem. */
export class IntegrationConfigError extends Error {
  override readonly name = 'IntegrationConfigError';
  constructor(readonly issues: IntegrationConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`[tide] invalid integration config (${count}):\n${issues.map((i) => `  - ${i.path} (${i.envVar}): ${i.message}`).join('\n')}`);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * The config as the integration's handlers see it: `raw` parsed by `schema` (defaults filled in, transforms
 * applied), or `raw` itself when the integration declares no schema.
 *
 * @param redact masks secret values in messages (a custom refinement may quote its input).
 * @throws IntegrationConfigError naming each offending setting and its `OCEAN__INTEGRATION__CONFIG__*` variable.
 */
export function parseIntegrationConfig<Config>(
  schema: ZodType<Config> | undefined,
  raw: Record<string, unknown>,
  redact: (text: string) => string = (text) => text,
): Config {
  if (!schema) return raw as Config;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new IntegrationConfigError(
    result.error.issues.map((issue) => {
      const path = ['integration', 'config', ...issue.path.map(String)];
      const missing = issue.path.length > 0 && valueAt(raw, issue.path) === undefined;
      return { path: path.join('.'), envVar: envVarFor(path), message: redact(missing ? `not set: ${issue.message}` : issue.message) };
    }),
  );
}
