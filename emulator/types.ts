/** Shapes the emulator stores and serves (docs/port-api.md §8.2, §9.1, §11.1). */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface PropertySchema {
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  enum?: Json[];
  items?: { type?: string; format?: string; enum?: Json[] };
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

export interface RelationSchema {
  target: string;
  required: boolean;
  many: boolean;
  title?: string;
  description?: string;
}

export interface Blueprint {
  identifier: string;
  title: string;
  icon?: string | null;
  description?: string | null;
  schema: { properties: Record<string, PropertySchema>; required: string[] };
  relations: Record<string, RelationSchema>;
  mirrorProperties: JsonObject;
  calculationProperties: JsonObject;
  aggregationProperties: JsonObject;
  ownership: Json;
  teamInheritance: Json;
  changelogDestination: Json;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
  [key: string]: unknown;
}

export type RelationValue = string | string[] | null;

/** One stored entity, with the hidden meta fields the public JSON never shows. */
export interface EntityRecord {
  rowId: number;
  identifier: string;
  blueprint: string;
  title: string | null;
  icon: string | null;
  team: string[];
  properties: Record<string, Json>;
  relations: Record<string, RelationValue>;
  datasource: string | null;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

/** A Port search query: `{ combinator, rules }`, rules nest. */
export interface SearchQuery {
  combinator: 'and' | 'or';
  rules: Array<SearchRule | SearchQuery>;
}

export interface SearchRule {
  property: string;
  operator: string;
  value?: unknown;
}
