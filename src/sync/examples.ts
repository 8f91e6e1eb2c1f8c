/**
 * Raw data examples (§9.1): the first ≤ 5 raw items of each kind, once per kind per resync, deep
 * copied and masked before they leave the process. A failed send is logged and never affects the
 * resync.
 */
import { REDACTED, createRedactor } from '../config/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { CallContext, SyncPort } from './port.ts';

/** How many raw items are sent per kind. */
export const MAX_EXAMPLES = 5;

/**
 * Built-in secret patterns. Each match becomes `[REDACTED]`; for credentials embedded in a URL or a
 * connection string only the secret part is replaced, so the example still shows its shape.
 */
const SECRET_PATTERNS: Array<{ re: RegExp; replace: string }> = [
  // Private keys, whole block (or to the end when the footer is missing).
  { re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, replace: REDACTED },
  // URLs with user-info: scheme://user:password@host
  { re: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s:@/]+:[^\s@/]+@/gi, replace: `$1${REDACTED}@` },
  // Connection strings: Password=…; AccountKey=…; SharedAccessKey=…
  { re: /\b(password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)=([^;\s]+)/gi, replace: `$1=${REDACTED}` },
  // AWS access key ids and secret keys written as key=value.
  { re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  { re: /\baws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}["']?/gi, replace: `aws_secret_access_key=${REDACTED}` },
  // GitHub tokens.
  { re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, replace: REDACTED },
  { re: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g, replace: REDACTED },
  // GitLab, Slack, Stripe, Google and npm API keys.
  { re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replace: REDACTED },
  { re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, replace: REDACTED },
  { re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, replace: REDACTED },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED },
  { re: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED },
  // JSON Web Tokens.
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, replace: REDACTED },
  // Bearer credentials in header-like strings.
  { re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g, replace: `$1 ${REDACTED}` },
];

/**
 * Mask a string: sensitive configuration values first (whole occurrences), then the built-in
 * patterns.
 */
export function createMasker(sensitiveValues: readonly string[] = []): (text: string) => string {
  const redactValues = createRedactor(sensitiveValues);
  return (text) => {
    let out = redactValues(text);
    for (const { re, replace } of SECRET_PATTERNS) out = out.replace(re, replace);
    return out;
  };
}

/** A deep copy of a JSON-like value with every string masked (object keys are left as they are). */
export function maskDeep(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, mask);
    return out;
  }
  if (typeof value === 'bigint') return String(value);
  return value;
}

/** Collects and sends the examples of one resync; `forResource` is called once per resource (run). */
export interface ExamplesCollector {
  /** A per-resource sink: `offer` each raw page, then `flush` once the resource's extraction ends. */
  forResource(kind: string): { offer(items: readonly unknown[]): Promise<void>; flush(): Promise<void> };
}

/** Options of {@link createExamplesCollector}. */
export interface ExamplesOptions {
  enabled: boolean;
  port: Pick<SyncPort, 'postKindExamples'>;
  identifier: string;
  context: CallContext;
  logger: Logger;
  sensitiveValues?: readonly string[];
}

/**
 * Which kinds were claimed, and the masked examples of the one still being filled: part of the resync's
 * checkpoint, so a resource resumed in a later step goes on filling the same examples.
 */
export interface ExamplesState {
  examplesSent: string[];
  examples?: { kind: string; items: unknown[] };
}

/**
 * The examples of one resync: a kind is claimed by its first resource, filled from successive pages
 * until it holds 5 items, and sent once (when full, or when that resource's extraction ends).
 */
export function createExamplesCollector(options: ExamplesOptions, state: ExamplesState = { examplesSent: [] }): ExamplesCollector {
  const mask = createMasker(options.sensitiveValues);
  const noop = { offer: async () => {}, flush: async () => {} };

  const send = async (kind: string, items: unknown[]): Promise<void> => {
    try {
      await options.port.postKindExamples(options.identifier, kind, items as Array<Record<string, unknown>>, options.context);
    } catch (error) {
      options.logger.warn('[tide] sending raw data examples failed; the resync continues', { kind, error: (error as Error).message });
    }
  };
  /** The buffer of `kind`, when this resource is the one filling it. */
  const buffer = (kind: string): unknown[] | undefined => (state.examples?.kind === kind ? state.examples.items : undefined);

  return {
    forResource(kind) {
      if (!options.enabled) return noop;
      if (!state.examplesSent.includes(kind)) {
        state.examplesSent.push(kind);
        state.examples = { kind, items: [] };
      } else if (!buffer(kind)) return noop;
      return {
        async offer(page) {
          const items = buffer(kind);
          if (!items) return;
          for (const item of page) {
            if (items.length >= MAX_EXAMPLES) break;
            // Copied and masked now, so later changes to the raw item cannot leak into the example.
            items.push(maskDeep(item, mask));
          }
          if (items.length >= MAX_EXAMPLES) {
            state.examples = undefined;
            await send(kind, items);
          }
        },
        async flush() {
          const items = buffer(kind);
          if (!items) return;
          state.examples = undefined;
          if (items.length > 0) await send(kind, items);
        },
      };
    },
  };
}
