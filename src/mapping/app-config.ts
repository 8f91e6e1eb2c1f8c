import { z } from 'zod';
import { parse as parseYaml } from 'yaml';

/** A search query (§3.7): every string inside it, at any depth, is a JQ program. */
export interface SearchQuery {
  combinator: string;
  rules: Array<SearchRule | SearchQuery>;
  [key: string]: unknown;
}

/** One rule of a search query; `value` may be a JQ string or a list/object of them. */
export interface SearchRule {
  property: string;
  operator: string;
  value: unknown;
  [key: string]: unknown;
}

/** One entity mapping: every string leaf is a JQ program run against the (expanded) raw item. */
export interface EntityMapping {
  identifier: string | SearchQuery;
  blueprint: string;
  title?: string;
  icon?: string;
  team?: string | SearchQuery;
  properties: Record<string, string>;
  relations: Record<string, string | SearchQuery>;
}

/** `resources[i].selector`: the JQ `query` plus integration-specific fields. */
export interface Selector {
  query: string;
  [key: string]: unknown;
}

/** `resources[i].port`. */
export interface ResourcePort {
  entity: { mappings: EntityMapping | EntityMapping[] };
  itemsToParse?: string;
  itemsToParseName: string;
  itemsToParseTopLevelTransform: boolean;
  [key: string]: unknown;
}

/** One entry of `resources[]`. */
export interface ResourceConfig {
  kind: string;
  selector: Selector;
  port: ResourcePort;
  [key: string]: unknown;
}

/** The parsed port app config, defaults filled in. Unknown root keys (integration extensions) are kept. */
export interface PortAppConfig {
  deleteDependentEntities: boolean;
  createMissingRelatedEntities: boolean;
  enableMergeEntity: boolean;
  entityDeletionThreshold: number;
  resources: ResourceConfig[];
  [key: string]: unknown;
}

/** One validation problem, `path` written like `resources[2].port.entity.mappings.properties.url`. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** The port app config could not be used; `issues` name every offending path. */
export class MappingConfigError extends Error {
  override readonly name = 'MappingConfigError';
  constructor(
    readonly issues: ConfigIssue[],
    readonly source?: string,
  ) {
    const where = source ? ` (${source})` : '';
    const lines = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    super(`invalid port app config${where}: ${lines.join('; ')}`);
  }
}

/** Options of {@link parsePortAppConfig}. */
export interface ParsePortAppConfigOptions {
  /** Where the config came from, quoted in errors (a file path, "Port integration config"). */
  source?: string;
  /** Integration schemas for `selector`, per kind; their output replaces the selector (with `query` kept). */
  selectorSchemas?: Record<string, z.ZodType>;
}

/** Pick one of several schemas by looking at the input, so nested issues keep their full path (unlike z.union). */
function pick(choose: (value: unknown) => z.ZodType) {
  return z.any().transform((value, ctx) => {
    const result = choose(value).safeParse(value);
    if (result.success) return result.data as unknown;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    }
    return z.NEVER;
  });
}

const program = z.union([z.string(), z.number().transform(String)], {
  error: 'expected a JQ program (a string)',
});

const searchRule = z.looseObject({ property: program, operator: program, value: z.unknown() });

const searchQuery: z.ZodType<SearchQuery> = z.looseObject({
  combinator: program,
  rules: z.array(pick((v) => (isRecord(v) && 'combinator' in v ? z.lazy(() => searchQuery) : searchRule))),
}) as unknown as z.ZodType<SearchQuery>;

const programOrSearch = pick((v) => (isRecord(v) ? searchQuery : program));

const entityMapping = z.object({
  identifier: programOrSearch,
  blueprint: program,
  title: program.optional(),
  icon: program.optional(),
  team: programOrSearch.optional(),
  properties: z.record(z.string(), program).default({}),
  relations: z.record(z.string(), programOrSearch).default({}),
});

const mappings = pick((v) => (Array.isArray(v) ? z.array(entityMapping).min(1) : entityMapping));

const resource = z.looseObject({
  kind: z.string().min(1),
  selector: z.looseObject({ query: program }),
  port: z.looseObject({
    entity: z.looseObject({ mappings }),
    itemsToParse: program.optional(),
    itemsToParseName: z.string().min(1).default('item'),
    itemsToParseTopLevelTransform: z.boolean().default(true),
  }),
});

const portAppConfig = z.looseObject({
  deleteDependentEntities: z.boolean().default(true),
  createMissingRelatedEntities: z.boolean().default(true),
  enableMergeEntity: z.boolean().default(true),
  entityDeletionThreshold: z.number().min(0).max(1).default(0.9),
  resources: z.array(resource).default([]),
});

const ROOT_ALIASES: Record<string, string> = {
  delete_dependent_entities: 'deleteDependentEntities',
  create_missing_related_entities: 'createMissingRelatedEntities',
  enable_merge_entity: 'enableMergeEntity',
  entity_deletion_threshold: 'entityDeletionThreshold',
};
const PORT_ALIASES: Record<string, string> = {
  items_to_parse: 'itemsToParse',
  items_to_parse_name: 'itemsToParseName',
  items_to_parse_top_level_transform: 'itemsToParseTopLevelTransform',
};

/** Resources as the user wrote them (aliases resolved), so that serializeForPort leaves out unset keys. */
const writtenResources = new WeakMap<PortAppConfig, unknown[]>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Rename snake_case keys to camelCase; an explicit camelCase key wins. */
function renameAliases(obj: Record<string, unknown>, aliases: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const camel = aliases[key];
    if (camel === undefined) out[key] = value;
    else if (!(camel in obj)) out[camel] = value;
  }
  return out;
}

function resolveAliases(input: Record<string, unknown>): Record<string, unknown> {
  const root = renameAliases(input, ROOT_ALIASES);
  if (Array.isArray(root.resources)) {
    root.resources = root.resources.map((r) =>
      isRecord(r) && isRecord(r.port) ? { ...r, port: renameAliases(r.port, PORT_ALIASES) } : r,
    );
  }
  return root;
}

/** `['resources', 2, 'port']` → `resources[2].port`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function isEmptyConfig(value: unknown): boolean {
  return value === undefined || value === null || (isRecord(value) && Object.keys(value).length === 0);
}

/**
 * Parse a port app config given as an object or as YAML/JSON text, filling in Ocean's defaults.
 * Throws {@link MappingConfigError} with one issue per offending path, or an "empty mapping" error when the
 * config is missing, `null` or `{}`.
 *
 * @example
 * const config = parsePortAppConfig(yamlText, { source: '.port/resources/port-app-config.yml' });
 * config.resources[0].port.itemsToParseName // 'item'
 */
export function parsePortAppConfig(input: unknown, opts: ParsePortAppConfigOptions = {}): PortAppConfig {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = parseYaml(input);
    } catch (error) {
      throw new MappingConfigError([{ path: '', message: `not valid YAML: ${(error as Error).message}` }], opts.source);
    }
  }
  if (isEmptyConfig(value)) {
    throw new MappingConfigError([{ path: '', message: 'empty mapping: the config is missing, null or {}' }], opts.source);
  }
  if (!isRecord(value)) {
    throw new MappingConfigError([{ path: '', message: 'expected a mapping object at the root' }], opts.source);
  }
  const written = resolveAliases(value);
  const result = portAppConfig.safeParse(written);
  const issues: ConfigIssue[] = result.success
    ? []
    : result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (!result.success) throw new MappingConfigError(issues, opts.source);

  const config = result.data as PortAppConfig;
  const schemas = opts.selectorSchemas ?? {};
  config.resources.forEach((res, index) => {
    const schema = Object.hasOwn(schemas, res.kind) ? schemas[res.kind] : undefined;
    if (!schema) return;
    const parsed = schema.safeParse(res.selector);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        issues.push({ path: formatPath(['resources', index, 'selector', ...i.path]), message: i.message });
      }
    } else if (isRecord(parsed.data)) {
      res.selector = { ...res.selector, ...parsed.data, query: res.selector.query };
    }
  });
  if (issues.length > 0) throw new MappingConfigError(issues, opts.source);
  writtenResources.set(config, (written.resources as unknown[] | undefined) ?? []);
  return config;
}

/**
 * The body Tide writes to Port as the integration's `config`: the four root flags with defaults filled in, then
 * `resources` as written (keys a resource did not set are left out), then any integration-specific root keys.
 */
export function serializeForPort(config: PortAppConfig): Record<string, unknown> {
  const {
    deleteDependentEntities,
    createMissingRelatedEntities,
    enableMergeEntity,
    entityDeletionThreshold,
    resources,
    ...extra
  } = config;
  return {
    deleteDependentEntities: deleteDependentEntities ?? true,
    createMissingRelatedEntities: createMissingRelatedEntities ?? true,
    enableMergeEntity: enableMergeEntity ?? true,
    entityDeletionThreshold: entityDeletionThreshold ?? 0.9,
    resources: structuredClone(writtenResources.get(config) ?? resources ?? []),
    ...extra,
  };
}
