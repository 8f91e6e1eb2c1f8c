/**
 * The narrow view of the Port client the sync engine uses: exactly the calls it makes, with the real
 * client's names and signatures, so `createPortClient(...)` satisfies it structurally and tests can
 * pass a small in-memory double instead.
 */
import type {
  CallContext,
  ClockOffset,
  DeleteOptions,
  DeleteResult,
  OwnedEntitiesOptions,
  OwnershipFeature,
  PortBlueprint,
  PortEntity,
  PortEntityInput,
  PortIntegration,
  ResyncStatePatch,
  SearchOptions,
  SearchQuery,
  SearchResult,
  SearchRule,
  UpsertOptions,
  UpsertResult,
} from '../port/index.ts';

export type {
  CallContext,
  ClockOffset,
  DeleteResult,
  PortBlueprint,
  PortEntity,
  PortEntityInput,
  PortIntegration,
  ResyncStatePatch,
  SearchQuery,
  SearchRule,
  UpsertResult,
};

/** The Port calls a resync, an incremental run or plan makes (docs/port-api.md §9.7, §9.9, §9.10, §9.11, §10.3, §11.3, §11.5). */
export interface SyncPort {
  getIntegration(identifier: string, options?: CallContext): Promise<PortIntegration | undefined>;
  patchResyncState(identifier: string, state: ResyncStatePatch, options?: CallContext): Promise<PortIntegration>;
  postKindExamples(identifier: string, kind: string, examples: Array<Record<string, unknown>>, options?: CallContext): Promise<void>;
  /** Results by input index; never throws for a Port refusal. */
  upsertEntities(blueprint: string, entities: PortEntityInput[], options?: UpsertOptions): Promise<UpsertResult[]>;
  upsertEntity(blueprint: string, entity: PortEntityInput, options?: UpsertOptions): Promise<UpsertResult>;
  deleteEntities(blueprint: string, identifiers: string[], options?: DeleteOptions): Promise<DeleteResult>;
  /** One entity (an incremental run's owned delete candidates, §4.12); false when it did not exist. */
  deleteEntity(blueprint: string, identifier: string, options?: DeleteOptions): Promise<boolean>;
  searchEntities(query: SearchQuery, options?: SearchOptions): Promise<SearchResult>;
  /** Pages of `datasource-entities`, following `next`. */
  ownedEntities(options?: OwnedEntitiesOptions): AsyncIterable<PortEntity[]>;
  getBlueprint(identifier: string, options?: CallContext): Promise<PortBlueprint | undefined>;
  /** Every blueprint (which ones relate to a candidate's blueprint, §4.9 step 9). */
  listBlueprints(options?: CallContext): Promise<PortBlueprint[]>;
  clearBlueprintCache(): void;
  /** Port's clock minus ours, as its answers tell (undefined: nothing known; Tide's clock is used). */
  clockOffset?(): ClockOffset | undefined;
  /** The two `$datasource` rules restricting a search to this integration's entities. */
  ownershipRules(feature?: OwnershipFeature): SearchRule[];
}
