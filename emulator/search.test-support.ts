/**
 * The search engine's test fixtures (emulator/search.ts): blueprints, a fixed clock, an entity maker and
 * one-rule evaluators, shared by search.test.ts and search-errors.test.ts.
 */
import { expect } from 'vitest';
import { PortError } from './errors.ts';
import { compileQuery, type SearchContext } from './search.ts';
import type { Blueprint, EntityRecord, Json } from './types.ts';

const NOW = new Date('2024-03-31T12:00:00.000Z');

function blueprint(identifier: string, relations: Blueprint['relations'] = {}): Blueprint {
  return {
    identifier,
    title: identifier,
    schema: { properties: { language: { type: 'string' }, score: { type: 'number' } }, required: [] },
    relations,
    mirrorProperties: {},
    calculationProperties: {},
    aggregationProperties: {},
    ownership: null,
    teamInheritance: null,
    changelogDestination: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    createdBy: null,
    updatedAt: '2024-01-01T00:00:00.000Z',
    updatedBy: null,
  };
}

const BLUEPRINTS: Record<string, Blueprint> = {
  service: blueprint('service', {
    owner: { target: 'team', required: false, many: false },
    deps: { target: 'service', required: false, many: true },
  }),
  team: blueprint('team'),
};

/** How many times the search asked for the time (a query reads the clock once, when it compiles). */
export const clockReads = { count: 0 };
export const ctx: SearchContext = {
  now: () => {
    clockReads.count++;
    return NOW;
  },
  blueprint: (id) => BLUEPRINTS[id],
};

let rowId = 0;
export function ent(over: Partial<EntityRecord> = {}): EntityRecord {
  return {
    rowId: ++rowId,
    identifier: 'svc-a',
    blueprint: 'service',
    title: 'Service A',
    icon: null,
    team: [],
    properties: {},
    relations: {},
    datasource: 'port-ocean/jira/0.1.0/my-jira/exporter',
    createdAt: '2024-03-01T10:00:00.000Z',
    createdBy: 'client-1',
    updatedAt: '2024-03-30T10:00:00.000Z',
    updatedBy: 'client-2',
    ...over,
  };
}

export const q = (...rules: unknown[]) => ({ combinator: 'and', rules });
export const rule = (property: string, operator: string, value?: unknown) =>
  value === undefined ? { property, operator } : { property, operator, value };

/** Evaluates one rule on an entity. */
export const match = (e: EntityRecord, property: string, operator: string, value?: unknown) =>
  compileQuery(q(rule(property, operator, value)), ctx)(e);

/** Evaluates one rule against a `prop` property holding `v`. */
export const onValue = (v: Json | undefined, operator: string, value?: unknown) =>
  match(ent({ properties: v === undefined ? {} : { prop: v } }), 'prop', operator, value);

export function errorOf(fn: () => unknown): PortError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PortError);
    return err as PortError;
  }
  throw new Error('expected a PortError');
}

export const compileError = (query: unknown) => errorOf(() => compileQuery(query, ctx));
