/**
 * What an incremental handler sees, and the two helpers that turn its cursor into vendor requests
 * (docs/behaviour.md §4.12, the strategies Ocean ships as well). Both helpers let everything through when
 * there is no cursor, so one handler can serve a full resync (no `since`) and an incremental run.
 */
import type { KindContext, RawItem } from './define.ts';

/**
 * The ctx of a kind's `incremental` handler: the resync ctx plus the run's cursor.
 *
 * @example
 * async *incremental(ctx) {
 *   yield* listIssues(ctx, { since: ctx.since.toISOString() });
 *   ctx.advance(serverTime); // optional: store the vendor's clock instead of the run's start
 * }
 */
export interface IncrementalContext<Config = Record<string, unknown>, Selector = Record<string, unknown>> extends KindContext<Config, Selector> {
  /** The resource's stored cursor (on its first run: the run's start − the interval), minus 60 s of overlap for clock skew. */
  since: Date;
  /** The cursor to store if this resource succeeds (the last call wins); without it, the run's start. */
  advance(at: Date): void;
  /** Raw items the vendor reports deleted: their entities are deleted when owned by this integration. */
  deleted(items: RawItem[]): void;
}

/** `2024-05-06T12:00:00.000Z`. */
const iso = (at: Date): string => at.toISOString();

/**
 * Server-side filter: the one query parameter that asks the vendor for what changed since `since`
 * (`{[key]: prefix + format(since)}`), or none without a cursor.
 *
 * @example
 * const params = { state: 'all', ...serverSideFilter(ctx.since, 'since') }; // GitHub issues
 * const jql = serverSideFilter(ctx.since, 'updated', { prefix: '>=', format: (d) => d.toISOString().slice(0, 16).replace('T', ' ') });
 */
export function serverSideFilter(
  since: Date | undefined,
  key: string,
  options: { prefix?: string; format?: (at: Date) => string } = {},
): Record<string, string> {
  if (since === undefined) return {};
  return { [key]: `${options.prefix ?? ''}${(options.format ?? iso)(since)}` };
}

/** Options of {@link clientSideCutoff}. */
export interface CutoffOptions {
  /** The item's timestamp: a dotted path (`updated_at`, `fields.updated`) or a function. */
  field: string | ((item: RawItem) => unknown);
  /** Query parameters asking for newest-first order (`{sort: 'updated', direction: 'desc'}`), sent only with a cursor. */
  newestFirst?: Record<string, string>;
}

/** The instant a timestamp value stands for: ISO text, epoch milliseconds or a Date; `undefined` when it is none. */
function instant(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : value instanceof Date ? value.getTime() : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function read(item: RawItem, field: CutoffOptions['field']): unknown {
  if (typeof field === 'function') return field(item);
  let value: unknown = item;
  for (const part of field.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/**
 * Client-side cutoff, for vendors without a filter: `params` asks for newest-first order (only with a cursor),
 * and `pages(source)` drops the items whose timestamp is strictly before `since` (items without one stay) and
 * stops paging after the first page that held such an item. Without a cursor both change nothing.
 *
 * @example
 * const cutoff = clientSideCutoff(ctx.since, { field: 'updated_at', newestFirst: { sort: 'updated', direction: 'desc' } });
 * yield* cutoff.pages(client.paginate('repos/o/r/pulls', { state: 'all', ...cutoff.params }));
 */
export function clientSideCutoff(
  since: Date | undefined,
  options: CutoffOptions,
): { params: Record<string, string>; pages<T extends RawItem>(source: AsyncIterable<T[]>): AsyncGenerator<T[]> } {
  const limit = since?.getTime();
  return {
    params: limit === undefined ? {} : { ...options.newestFirst },
    async *pages<T extends RawItem>(source: AsyncIterable<T[]>): AsyncGenerator<T[]> {
      if (limit === undefined) {
        yield* source;
        return;
      }
      for await (const page of source) {
        const kept = page.filter((item) => {
          const at = instant(read(item, options.field));
          return at === undefined || at >= limit;
        });
        if (kept.length > 0) yield kept;
        // Newest first: a page that reached past the cursor is the last one with anything new.
        if (kept.length < page.length) return;
      }
    },
  };
}
