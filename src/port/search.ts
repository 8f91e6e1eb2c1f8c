/**
 * Searches and the owned-entities snapshot (docs/port-api.md §9.11, §10; docs/behaviour.md §4.5, §4.9 step 5).
 * All three are POSTs Tide marks retryable. Paged routes are async generators that follow `next`
 * until it is absent, `null` or `""`.
 */
import type { PortTransport } from './client.ts';
import type { CallContext, OwnershipFeature, PortEntity, SearchQuery, SearchRule } from './types.ts';

export interface SearchOptions extends CallContext {
  /** Dotted entity paths to return (`identifier`, `properties.language`…); repeated `include=`. */
  include?: string[];
  exclude?: string[];
  /** `exclude_calculated_properties`; Tide's skip-unchanged lookup sends true. */
  excludeCalculatedProperties?: boolean;
}

export interface SearchResult {
  entities: PortEntity[];
  /** Blueprints the query ran against. */
  matchingBlueprints: string[];
  /** Blueprints whose entities Port could not return; their matches are missing from `entities`. */
  failedBlueprints: string[];
}

export interface BlueprintSearchBody {
  query?: SearchQuery;
  /** Property or relation ids, `$` for meta-properties (body form, docs/port-api.md §10.4). */
  include?: string[];
  exclude?: string[];
  /** Page size 1–1000; Port's default 200. */
  limit?: number;
}

export interface OwnedEntitiesOptions extends CallContext {
  /** Default `port-ocean/{type}/`. */
  prefix?: string;
  /** Default `/{identifier}/{feature}`. */
  suffix?: string;
  /** ISO date-time: only entities updated strictly before it (the resync's start). */
  before?: string | Date;
  /** Page size. Default 5000. */
  limit?: number;
}

const OWNED_PAGE = 5000;

export function searchApi(transport: PortTransport) {
  /**
   * `POST /entities/search` across all blueprints (unpaginated). Tide keeps such queries small
   * (≤ 50 identifiers); `failedBlueprints` must be checked by the caller.
   */
  async function searchEntities(query: SearchQuery, options: SearchOptions = {}): Promise<SearchResult> {
    const body = await transport.json<Partial<SearchResult>>({
      method: 'POST',
      route: '/entities/search',
      query: {
        include: options.include,
        exclude: options.exclude,
        exclude_calculated_properties: options.excludeCalculatedProperties,
      },
      body: query,
      retryable: true,
      context: options,
    });
    return {
      entities: body?.entities ?? [],
      matchingBlueprints: body?.matchingBlueprints ?? [],
      failedBlueprints: body?.failedBlueprints ?? [],
    };
  }

  /** `POST /blueprints/{bp}/entities/search`, one page per iteration. */
  async function* searchBlueprintEntities(
    blueprint: string,
    body: BlueprintSearchBody = {},
    options: CallContext = {},
  ): AsyncGenerator<PortEntity[], void, undefined> {
    let from: string | undefined;
    do {
      const page = await transport.json<{ entities?: PortEntity[]; next?: string | null }>({
        method: 'POST',
        route: '/blueprints/{blueprint}/entities/search',
        params: { blueprint },
        body: { ...body, ...(from ? { from } : {}) },
        retryable: true,
        context: options,
      });
      yield page?.entities ?? [];
      from = nextCursor(page?.next);
    } while (from);
  }

  /**
   * The entities this integration owns, via `POST /blueprints/entities/datasource-entities`, one page
   * (default 5000) per iteration. With `before` set to the resync start, entities written by live
   * events during the resync are left out (§4.9 step 5).
   */
  async function* ownedEntities(options: OwnedEntitiesOptions = {}): AsyncGenerator<PortEntity[], void, undefined> {
    const own = transport.ownership(options.feature);
    const before = options.before instanceof Date ? options.before.toISOString() : options.before;
    let from: string | undefined;
    // Each page is fetched and yielded by a nested generator that has finished before the next
    // request. A page yielded straight from this loop stays referenced by the suspended frame (V8
    // keeps the yield operand's register) while the next page is fetched and parsed: with 5000 full
    // entities a page, that held one extra page (~10 MB of heap) at the reconciliation peak.
    async function* onePage(): AsyncGenerator<PortEntity[], void, undefined> {
      const page = await transport.json<{ entities?: PortEntity[]; next?: string | null }>({
        method: 'POST',
        route: '/blueprints/entities/datasource-entities',
        body: {
          datasource_prefix: options.prefix ?? own.prefix,
          datasource_suffix: options.suffix ?? own.suffix,
          limit: options.limit ?? OWNED_PAGE,
          ...(before ? { before } : {}),
          ...(from ? { from } : {}),
        },
        retryable: true,
        context: options,
      });
      from = nextCursor(page?.next);
      yield page?.entities ?? [];
    }
    do yield* onePage();
    while (from);
  }

  /**
   * The two `$datasource` rules that restrict a search to this integration's entities (docs/port-api.md §5);
   * AND them onto every reconciliation search.
   */
  function ownershipRules(feature?: OwnershipFeature): SearchRule[] {
    const own = transport.ownership(feature);
    return [
      { property: '$datasource', operator: 'contains', value: own.prefix },
      { property: '$datasource', operator: 'contains', value: own.suffix },
    ];
  }

  return { searchEntities, searchBlueprintEntities, ownedEntities, ownershipRules };
}

/** Absent, `null` and `""` all mean the last page (docs/port-api.md §9.11). */
function nextCursor(next: unknown): string | undefined {
  return typeof next === 'string' && next !== '' ? next : undefined;
}
