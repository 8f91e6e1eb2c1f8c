/**
 * A Port that writes nothing: reads go to the real one, every write is recorded and answered as if
 * Port had accepted it. plan() runs the resync engine against it, so a plan cannot write, whatever
 * the engine would send (resync state, raw-data examples, upserts, deletes).
 */
import { isSearchQuery } from './entity-values.ts';
import type { SyncPort } from './port.ts';

/** One write the dry run did not send. */
export interface UnsentWrite {
  call: 'patchResyncState' | 'postKindExamples' | 'upsertEntities' | 'upsertEntity' | 'deleteEntities' | 'deleteEntity';
  /** The integration, the kind's integration, or the blueprint written to. */
  target: string;
  /** Entities, identifiers or examples it carried. */
  count: number;
}

export interface DryRunPort extends SyncPort {
  /** What the dry run held back, in order. */
  readonly unsent: readonly UnsentWrite[];
}

export function createDryRunPort(port: SyncPort): DryRunPort {
  const unsent: UnsentWrite[] = [];
  const hold = (call: UnsentWrite['call'], target: string, count: number): void => void unsent.push({ call, target, count });
  const accepted = (identifier: unknown) =>
    isSearchQuery(identifier) ? { status: 'dropped' as const } : { status: 'upserted' as const, identifier: String(identifier), created: false };
  return {
    unsent,
    getIntegration: (identifier, options) => port.getIntegration(identifier, options),
    searchEntities: (query, options) => port.searchEntities(query, options),
    ownedEntities: (options) => port.ownedEntities(options),
    getBlueprint: (identifier, options) => port.getBlueprint(identifier, options),
    listBlueprints: (options) => port.listBlueprints(options),
    clockOffset: () => port.clockOffset?.(),
    clearBlueprintCache: () => port.clearBlueprintCache(),
    ownershipRules: (feature) => port.ownershipRules(feature),
    async patchResyncState(identifier) {
      hold('patchResyncState', identifier, 1);
      return { identifier };
    },
    async postKindExamples(identifier, _kind, examples) {
      hold('postKindExamples', identifier, examples.length);
    },
    async upsertEntities(blueprint, entities) {
      hold('upsertEntities', blueprint, entities.length);
      return entities.map((e) => accepted(e.identifier));
    },
    async upsertEntity(blueprint, entity) {
      hold('upsertEntity', blueprint, 1);
      return accepted(entity.identifier);
    },
    async deleteEntities(blueprint, identifiers) {
      hold('deleteEntities', blueprint, identifiers.length);
      return { deleted: [...identifiers], failed: [] };
    },
    async deleteEntity(blueprint) {
      hold('deleteEntity', blueprint, 1);
      return true;
    },
  };
}
