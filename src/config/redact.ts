import { SENSITIVE_OPTION_PATHS } from './catalogue.ts';
import type { TideSettings } from './settings.ts';
import type { IntegrationSpec } from './spec.ts';

/** What every masked value is shown as. */
export const REDACTED = '[REDACTED]';

/** Option paths holding secrets: Port credentials, `eventListener.appHost`, and every `sensitive: true` spec entry. */
export function sensitivePaths(spec: IntegrationSpec | undefined): string[][] {
  const paths = SENSITIVE_OPTION_PATHS.map((p) => [...p]);
  for (const c of spec?.configurations ?? []) if (c.sensitive) paths.push(['integration', 'config', c.name]);
  return paths;
}

function at(tree: unknown, path: readonly string[]): unknown {
  let cursor = tree;
  for (const seg of path) {
    if (typeof cursor !== 'object' || cursor === null) return undefined;
    cursor = (cursor as Record<string, unknown>)[seg];
  }
  return cursor;
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value !== '') out.push(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    out.push(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, out);
    if (value.length > 0) out.push(JSON.stringify(value));
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) collectStrings(v, out);
    out.push(JSON.stringify(value));
  }
}

/**
 * The secret values present in resolved settings, for building a log redactor.
 *
 * @example const redact = createRedactor(sensitiveValues(settings, spec));
 */
export function sensitiveValues(settings: TideSettings, spec?: IntegrationSpec): string[] {
  const out: string[] = [];
  for (const path of sensitivePaths(spec)) collectStrings(at(settings, path), out);
  return [...new Set(out)];
}

/**
 * A function that replaces every occurrence of the given values in a text with `[REDACTED]`.
 * Longer values are replaced first, so a secret that contains another is masked whole.
 */
export function createRedactor(values: readonly string[]): (text: string) => string {
  const needles = [...new Set(values.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/**
 * A deep copy of the settings with every sensitive value replaced by `[REDACTED]`, and any secret embedded in
 * another string masked too: the `--print-config` view.
 */
export function redactSettings(settings: TideSettings, spec?: IntegrationSpec): TideSettings {
  const redact = createRedactor(sensitiveValues(settings, spec));
  const copy = scrub(structuredClone(settings), redact) as TideSettings;
  for (const path of sensitivePaths(spec)) {
    const parent = at(copy, path.slice(0, -1));
    const key = path[path.length - 1];
    if (typeof parent === 'object' && parent !== null && (parent as Record<string, unknown>)[key] !== undefined) {
      (parent as Record<string, unknown>)[key] = REDACTED;
    }
  }
  return copy;
}

function scrub(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, redact));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, redact)]));
  }
  return value;
}
