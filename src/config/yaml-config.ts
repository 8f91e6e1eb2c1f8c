import YAML from 'yaml';
import { OPTIONS, emptyLayer, isPlainObject, normalizeTree } from './catalogue.ts';
import type { OptionsLayer, SettingsIssue } from './catalogue.ts';
import { describeType } from './coerce.ts';
import type { EnvRecord } from './env.ts';
import type { IntegrationSpec } from './spec.ts';
import { syntaxProblem } from './spec.ts';

// Exactly one reference and nothing else: Ocean has no partial interpolation.
const REFERENCE = /^\{\{\s*from\s+(\S+)\s+(\S+)\s*\}\}$/;

/** Marks a value whose reference did not resolve, so that its key is dropped. */
const DROPPED = Symbol('dropped');

/**
 * Reads `config.yaml` (text or an already-parsed object) into the canonical options tree (docs/behaviour.md §2.3).
 * Keys may be camelCase or snake_case. A string that is exactly `{{ from env NAME }}` becomes `env[NAME]`;
 * when NAME is unset or empty, or the provider is not `env`, the key is silently dropped so that a default or a
 * missing-required error applies. Origins read `config.yaml: path.as.written`.
 *
 * @example parseConfigYaml('port:\n  clientId: "{{ from env PORT_ID }}"', { PORT_ID: 'x' }).values // { port: { clientId: 'x' } }
 */
export function parseConfigYaml(
  input: string | Record<string, unknown>,
  env: EnvRecord = {},
  opts: { spec?: IntegrationSpec } = {},
): OptionsLayer {
  const layer = emptyLayer();
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = YAML.parse(input);
    } catch (error) {
      layer.issues.push(fileIssue(syntaxProblem(error)));
      return layer;
    }
  }
  if (raw === null || raw === undefined) return layer;
  if (!isPlainObject(raw)) {
    layer.issues.push(fileIssue(`expected a mapping of options at the top level, got ${describeType(raw)}`));
    return layer;
  }
  const resolved = resolveReferences(raw, env);
  if (resolved === DROPPED || !isPlainObject(resolved)) return layer;
  const values = normalizeTree(resolved, OPTIONS, [], [], {
    origins: layer.origins,
    warnings: layer.warnings,
    specNames: opts.spec?.configurations.map((c) => c.name),
    origin: (written) => ({ source: 'config.yaml', label: `config.yaml: ${written.join('.')}` }),
  });
  layer.values = isPlainObject(values) ? values : {};
  return layer;
}

/** Replaces `{{ from env NAME }}` strings everywhere in the document; unresolvable ones are dropped. */
function resolveReferences(value: unknown, env: EnvRecord): unknown {
  if (typeof value === 'string') {
    const m = REFERENCE.exec(value);
    if (m === null) return value;
    const [, provider, name] = m;
    if (provider !== 'env') return DROPPED;
    const resolved = env[name];
    return resolved === undefined || resolved === '' ? DROPPED : resolved;
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, env)).filter((v) => v !== DROPPED);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolveReferences(v, env);
      if (r !== DROPPED) out[k] = r;
    }
    return out;
  }
  return value;
}

function fileIssue(message: string): SettingsIssue {
  return { path: '', envVar: '', source: 'config.yaml', origin: 'config.yaml', message };
}
