import { checkRequired, mergeEntity, normaliseEntityBody } from '../entity-schema.ts';
import { PortError } from '../errors.ts';
import type { EmulatorState } from '../state.ts';
import type { Blueprint } from '../types.ts';
import type { FieldIssue } from './types.ts';

/**
 * The playground's blueprint check: what this Port would say about an entity body, field by field. It runs
 * the emulator's own entity validation (docs/port-api.md §9.2) on one field at a time, so every problem is
 * found (a real write stops at the first) and each is pinned to the field that caused it.
 */
const BASE_ID = 'playground-check';

function portMessage(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof PortError) return error.message;
    throw error;
  }
}

const isQuery = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && ('combinator' in v || 'rules' in v);

export function checkEntity(
  emu: EmulatorState,
  body: Record<string, unknown>,
  mapping: { createMissingRelatedEntities: boolean; enableMergeEntity: boolean },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const blueprintId = body.blueprint;
  const bp: Blueprint | undefined = typeof blueprintId === 'string' ? emu.blueprint(blueprintId) : undefined;
  if (!bp) {
    issues.push({ path: 'blueprint', level: 'error', message: `blueprint ${JSON.stringify(blueprintId)} does not exist in this catalog: Port rejects the entity (404)` });
    return issues;
  }
  const strict = emu.options.strictProperties === true;
  const check = (path: string, partial: Record<string, unknown>) => {
    const message = portMessage(() => normaliseEntityBody(bp, { identifier: BASE_ID, ...partial }, { strictProperties: strict }));
    if (message) issues.push({ path, level: 'error', message: `Port rejects the entity: ${message}` });
  };

  if (!isQuery(body.identifier)) check('identifier', { identifier: body.identifier });
  for (const key of ['title', 'icon', 'team'] as const) if (key in body) check(key, { [key]: body[key] });

  const properties = (body.properties ?? {}) as Record<string, unknown>;
  for (const [id, value] of Object.entries(properties)) {
    if (!Object.hasOwn(bp.schema.properties, id)) {
      issues.push({
        path: `properties.${id}`,
        level: strict ? 'error' : 'warning',
        message: strict
          ? `blueprint "${bp.identifier}" does not declare property "${id}": this Port runs with --strict-properties and rejects the entity (422)`
          : `blueprint "${bp.identifier}" does not declare property "${id}": Port drops it and stores the rest (with --strict-properties it would reject the entity)`,
      });
      continue;
    }
    check(`properties.${id}`, { properties: { [id]: value } });
  }

  const relations = (body.relations ?? {}) as Record<string, unknown>;
  for (const [id, value] of Object.entries(relations)) {
    const def = bp.relations[id];
    if (!def) {
      issues.push({ path: `relations.${id}`, level: 'error', message: `Port rejects the entity: blueprint "${bp.identifier}" has no relation "${id}"` });
      continue;
    }
    const before = issues.length;
    check(`relations.${id}`, { relations: { [id]: value } });
    if (issues.length > before || isQuery(value)) continue;
    const targets = (Array.isArray(value) ? value : [value]).filter((t): t is string => typeof t === 'string');
    const missing = targets.filter((t) => !emu.store.hasEntity(def.target, t));
    if (missing.length === 0) continue;
    const list = missing.slice(0, 5).map((t) => JSON.stringify(t)).join(', ') + (missing.length > 5 ? `, … (${missing.length} in all)` : '');
    issues.push(
      mapping.createMissingRelatedEntities
        ? { path: `relations.${id}`, level: 'info', message: `no "${def.target}" entity ${list} yet: Port creates ${missing.length > 1 ? 'them' : 'it'} as an empty stub (createMissingRelatedEntities is true)` }
        : { path: `relations.${id}`, level: 'error', message: `no "${def.target}" entity ${list}: Port rejects the entity (404) because createMissingRelatedEntities is false` },
    );
  }

  // Required fields hold for the stored result: with merge on, an existing entity may supply them.
  if (typeof body.identifier === 'string') {
    const fieldsOk = !issues.some((i) => i.level === 'error');
    const normalised = fieldsOk ? tryNormalise(bp, body, strict) : undefined;
    if (normalised) {
      const existing = emu.store.entity(bp.identifier, body.identifier);
      const merged = mergeEntity(existing, normalised, mapping.enableMergeEntity);
      const message = portMessage(() => checkRequired(bp, merged));
      if (message) {
        const fields = message.slice(0, message.indexOf(':')).split(', ');
        for (const path of fields) issues.push({ path, level: 'error', message: `Port rejects the entity: ${path} is required by blueprint "${bp.identifier}" but missing or null` });
      }
    }
  }
  return issues;
}

function tryNormalise(bp: Blueprint, body: Record<string, unknown>, strict: boolean) {
  try {
    return normaliseEntityBody(bp, body, { strictProperties: strict });
  } catch {
    return undefined;
  }
}
