/**
 * How a blueprint of `.port/resources/blueprints.json` differs from the one Port holds, split the way
 * docs/behaviour.md §7.4 applies it: **additive** changes (new properties and relations, titles, icons,
 * descriptions, widened enums, a requirement dropped) are safe for the entities already stored and are
 * applied on start; **destructive** ones (a property or relation removed or retyped, an enum narrowed, a
 * new requirement, another validation rule) can invalidate or lose stored data, and wait for `--force`.
 */

type Raw = Record<string, unknown>;

export interface BlueprintDiff {
  identifier: string;
  /** One line per additive change, e.g. `property "bio" added`. */
  additive: string[];
  /** One line per destructive change, e.g. `property "age" retyped (number → string)`. */
  destructive: string[];
  /** PATCH body applying the additive changes only (each key replaces Port's, §8.1 of the Port API); empty when none. */
  patch: Raw;
}

/** Property keys that only change how a value is shown. */
const COSMETIC = new Set(['title', 'description', 'icon', 'enumColors', 'default', 'spec', 'specAuthentication']);
/** Keys that decide what a property's value is. */
const TYPE_KEYS = ['type', 'format', 'items'];
const TOP_COSMETIC = ['title', 'icon', 'description'];
const MAPS = ['mirrorProperties', 'calculationProperties', 'aggregationProperties'] as const;
const OTHER = ['ownership', 'teamInheritance', 'changelogDestination'] as const;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted: equal values compare equal whatever order Port returns keys in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}
const same = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);
const show = (v: unknown) => (v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));

function diffProperty(name: string, file: Raw, port: Raw, d: BlueprintDiff): Raw {
  const merged: Raw = { ...port };
  const typeOf = (p: Raw) => TYPE_KEYS.map((k) => p[k]);
  if (!same(typeOf(file), typeOf(port))) {
    d.destructive.push(`property "${name}" retyped (${TYPE_KEYS.map((k) => show(port[k])).filter((s) => s !== 'none').join(' ')} → ${TYPE_KEYS.map((k) => show(file[k])).filter((s) => s !== 'none').join(' ')})`);
    return merged;
  }
  const fileEnum = file.enum as unknown[] | undefined;
  const portEnum = port.enum as unknown[] | undefined;
  if (!same(fileEnum, portEnum)) {
    const added = (fileEnum ?? []).filter((v) => !(portEnum ?? []).some((p) => same(p, v)));
    const removed = fileEnum === undefined ? [] : (portEnum ?? []).filter((v) => !fileEnum.some((f) => same(f, v)));
    if (portEnum === undefined || removed.length > 0) {
      d.destructive.push(`property "${name}" enum narrowed (${portEnum === undefined ? 'any value' : removed.map(show).join(', ')} no longer allowed)`);
    } else {
      d.additive.push(`property "${name}" enum widened (${fileEnum === undefined ? 'any value' : `+${added.map(show).join(', +')}`})`);
      if (fileEnum === undefined) delete merged.enum;
      else merged.enum = fileEnum;
    }
  }
  for (const key of new Set([...Object.keys(file), ...Object.keys(port)])) {
    if (key === 'enum' || TYPE_KEYS.includes(key) || same(file[key], port[key])) continue;
    if (COSMETIC.has(key)) {
      d.additive.push(`property "${name}" ${key} ${show(port[key])} → ${show(file[key])}`);
      if (file[key] === undefined) delete merged[key];
      else merged[key] = file[key];
    } else {
      d.destructive.push(`property "${name}" ${key} ${show(port[key])} → ${show(file[key])}`);
    }
  }
  return merged;
}

function diffSchema(file: Raw, port: Raw, d: BlueprintDiff): void {
  const fileProps = (isObject(file.properties) ? file.properties : {}) as Record<string, Raw>;
  const portProps = (isObject(port.properties) ? port.properties : {}) as Record<string, Raw>;
  const properties: Record<string, Raw> = {};
  for (const [name, p] of Object.entries(portProps)) {
    if (!(name in fileProps)) {
      d.destructive.push(`property "${name}" removed`);
      properties[name] = p;
    } else properties[name] = diffProperty(name, fileProps[name], p, d);
  }
  for (const [name, p] of Object.entries(fileProps)) {
    if (name in portProps) continue;
    d.additive.push(`property "${name}" added`);
    properties[name] = p;
  }
  const fileRequired = (file.required as string[] | undefined) ?? [];
  const portRequired = (port.required as string[] | undefined) ?? [];
  for (const r of fileRequired.filter((r) => !portRequired.includes(r))) d.destructive.push(`property "${r}" becomes required`);
  const dropped = portRequired.filter((r) => !fileRequired.includes(r));
  for (const r of dropped) d.additive.push(`property "${r}" no longer required`);
  const schema = { ...port, properties, required: portRequired.filter((r) => !dropped.includes(r)) };
  if (!same(schema, { ...port, properties: portProps, required: portRequired })) d.patch.schema = schema;
}

const relation = (r: unknown): Raw => ({ required: false, many: false, ...(isObject(r) ? r : {}) });

function diffRelations(file: Raw, port: Raw, d: BlueprintDiff): void {
  const merged: Raw = {};
  for (const [name, raw] of Object.entries(port)) {
    if (!(name in file)) {
      d.destructive.push(`relation "${name}" removed`);
      merged[name] = raw;
      continue;
    }
    const [f, p] = [relation(file[name]), relation(raw)];
    const out: Raw = { ...p };
    for (const key of new Set([...Object.keys(f), ...Object.keys(p)])) {
      if (same(f[key], p[key])) continue;
      const change = `relation "${name}" ${key} ${show(p[key])} → ${show(f[key])}`;
      // Dropping a requirement or retitling is safe; another target, cardinality or a new requirement is not.
      if (key === 'title' || key === 'description' || (key === 'required' && f[key] === false)) {
        d.additive.push(change);
        out[key] = f[key];
      } else d.destructive.push(change);
    }
    merged[name] = out;
  }
  for (const [name, raw] of Object.entries(file)) {
    if (name in port) continue;
    d.additive.push(`relation "${name}" added (→ ${show(relation(raw).target)})`);
    merged[name] = raw;
  }
  if (!same(Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, relation(v)])), Object.fromEntries(Object.entries(port).map(([k, v]) => [k, relation(v)]))))
    d.patch.relations = merged;
}

/** The difference between the file's blueprint and Port's (`port` as GET /v1/blueprints/{id} returns it). */
export function diffBlueprint(file: Raw, port: Raw): BlueprintDiff {
  const d: BlueprintDiff = { identifier: String(file.identifier), additive: [], destructive: [], patch: {} };
  for (const key of TOP_COSMETIC) {
    if (file[key] === undefined || same(file[key], port[key])) continue;
    d.additive.push(`${key} ${show(port[key])} → ${show(file[key])}`);
    d.patch[key] = file[key];
  }
  diffSchema(isObject(file.schema) ? file.schema : {}, isObject(port.schema) ? port.schema : {}, d);
  diffRelations(isObject(file.relations) ? file.relations : {}, isObject(port.relations) ? port.relations : {}, d);
  for (const group of MAPS) {
    const f = isObject(file[group]) ? file[group] : {};
    const p = isObject(port[group]) ? port[group] : {};
    const merged: Raw = { ...p };
    for (const name of Object.keys(p)) {
      if (!(name in f)) d.destructive.push(`${group} "${name}" removed`);
      else if (!same(f[name], p[name])) d.destructive.push(`${group} "${name}" changed`);
    }
    for (const name of Object.keys(f)) {
      if (name in p) continue;
      d.additive.push(`${group} "${name}" added`);
      merged[name] = f[name];
    }
    if (!same(merged, p)) d.patch[group] = merged;
  }
  for (const key of OTHER) {
    if (file[key] !== undefined && !same(file[key], port[key])) d.destructive.push(`${key} changed`);
  }
  return d;
}
