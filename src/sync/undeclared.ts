/**
 * Property keys a blueprint does not declare (docs/behaviour.md §4.5; docs/port-api.md §15.2). Port drops
 * them, so comparing them with what Port stores would find every such entity changed and rewrite it on every
 * resync. The skip-unchanged diff compares declared keys only, and one warning per resync names the keys
 * the mapping sends in vain.
 */
import type { Logger } from '../logging/logger.ts';
import type { Entity } from '../mapping/index.ts';
import { normaliseIdentifier } from '../mapping/index.ts';
import type { CallContext, SyncPort } from './port.ts';

/** Per blueprint, the keys its schema declares; `undefined` when the blueprint could not be read (everything is compared). */
export type DeclaredProperties = Map<string, ReadonlySet<string> | undefined>;

/** The declared property keys of the entities' blueprints (`getBlueprint` is cached for the resync). */
export async function declaredProperties(port: Pick<SyncPort, 'getBlueprint'>, entities: readonly Entity[], context: CallContext): Promise<DeclaredProperties> {
  const declared: DeclaredProperties = new Map();
  for (const e of entities) {
    const bp = normaliseIdentifier(e.blueprint);
    if (declared.has(bp)) continue;
    declared.set(bp, undefined);
    try {
      const schema = (await port.getBlueprint(bp, context))?.schema as { properties?: Record<string, unknown> } | undefined;
      if (schema) declared.set(bp, new Set(Object.keys(schema.properties ?? {})));
    } catch {
      // Unknown schema: compare every key, which at worst sends an unchanged entity again.
    }
  }
  return declared;
}

/**
 * Warn about undeclared keys the entities carry, each key once per blueprint per resync; `warned` (kept in
 * the resync's checkpoint) records what was already named.
 */
export function warnUndeclared(entities: readonly Entity[], declared: DeclaredProperties, warned: Record<string, string[]>, logger: Logger): void {
  const fresh = new Map<string, Set<string>>();
  for (const e of entities) {
    const bp = normaliseIdentifier(e.blueprint);
    const keys = declared.get(bp);
    if (!keys) continue;
    for (const key of Object.keys(e.properties ?? {})) {
      if (keys.has(key) || warned[bp]?.includes(key)) continue;
      const set = fresh.get(bp) ?? new Set<string>();
      fresh.set(bp, set.add(key));
    }
  }
  for (const [blueprint, keys] of fresh) {
    const properties = [...keys].sort();
    warned[blueprint] = [...(warned[blueprint] ?? []), ...properties];
    logger.warn(
      `[tide] the mapping sends properties not declared by blueprint "${blueprint}": ${properties.join(', ')}; Port does not store them, so they are left out when comparing with Port`,
      { blueprint, properties },
    );
  }
}

/** The entity's properties restricted to the declared keys (all of them when `declared` is unknown). */
export function declaredOnly(properties: Record<string, unknown> | undefined, declared: ReadonlySet<string> | undefined): Record<string, unknown> | undefined {
  if (!properties || !declared) return properties;
  return Object.fromEntries(Object.entries(properties).filter(([k]) => declared.has(k)));
}
