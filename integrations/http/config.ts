/**
 * The declarative description of a REST API (the integration config) and its validation. Every problem is
 * reported at once, each naming the field path (`endpoints.post.pagination.cursorPath: …`), because the
 * author fixes a YAML file, not code.
 */
import YAML from 'yaml';
import { z } from 'zod';
import { retrySettingsIssues, type RetrySettings } from 'port-tide';
import { pathCompileError, placeholders } from './paths.ts';

// Zod's default messages say "Invalid input"; these say what is missing or expected.
const expected = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? 'required' : `expected ${what}`) });
const nonEmpty = z.string(expected('a string')).trim().min(1, { error: 'expected a non-empty string' });
const maxPages = z.int(expected('a whole number')).positive({ error: 'expected a positive whole number' }).optional();
const count = (min: number) => z.int(expected('a whole number')).min(min, { error: `expected a whole number of at least ${min}` });

const PAGINATION_TYPES = ['none', 'offset', 'pageNumber', 'cursor', 'linkHeader'] as const;
const paginationSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('none') }),
    z.strictObject({
      type: z.literal('offset'),
      limit: count(1),
      limitParam: nonEmpty.default('limit'),
      offsetParam: nonEmpty.default('offset'),
      start: count(0).default(0),
      /** Where the total item count is; the walk stops once it is reached. */
      totalPath: nonEmpty.optional(),
      maxPages,
    }),
    z.strictObject({
      type: z.literal('pageNumber'),
      pageParam: nonEmpty.default('page'),
      start: count(0).default(1),
      pageSize: count(1).optional(),
      pageSizeParam: nonEmpty.optional(),
      maxPages,
    }),
    z.strictObject({ type: z.literal('cursor'), cursorPath: nonEmpty, cursorParam: nonEmpty, maxPages }),
    z.strictObject({ type: z.literal('linkHeader'), maxPages }),
  ],
  { error: `expected type to be one of ${PAGINATION_TYPES.join(', ')}` },
);

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
const endpointSchema = z.strictObject(
  {
    /** Relative to baseUrl (or absolute); may hold `{parent.field}` placeholders. */
    path: nonEmpty,
    /** Where the items are: `.` (default) when the body is the array. */
    itemsPath: z.string(expected('a string')).default('.'),
    params: z.record(z.string(), scalar, expected('a mapping of query parameters')).default({}),
    headers: z.record(z.string(), z.string(expected('a string')), expected('a mapping of headers')).default({}),
    pagination: paginationSchema.default({ type: 'none' }),
    /** A kind whose items fill this endpoint's placeholders: one walk per parent item. */
    parent: nonEmpty.optional(),
  },
  expected('a mapping with at least `path`'),
);

const AUTH_TYPES = ['none', 'bearer', 'basic', 'apiKey', 'oauth2ClientCredentials'] as const;
const authSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('none') }),
    z.strictObject({ type: z.literal('bearer') }),
    z.strictObject({ type: z.literal('basic'), username: nonEmpty }),
    z.strictObject({ type: z.literal('apiKey'), in: z.enum(['header', 'query']).default('header'), name: nonEmpty }),
    z.strictObject({
      type: z.literal('oauth2ClientCredentials'),
      /** Absolute, or relative to baseUrl. */
      tokenUrl: nonEmpty,
      clientId: nonEmpty,
      scope: nonEmpty.optional(),
      audience: nonEmpty.optional(),
      /** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
      clientAuth: z.enum(['basic', 'body']).default('basic'),
    }),
  ],
  { error: `expected type to be one of ${AUTH_TYPES.join(', ')}` },
);

const configSchema = z.looseObject({
  baseUrl: z.url(expected('an absolute URL such as https://api.example.com')).transform((u) => u.replace(/\/+$/, '')),
  auth: authSchema.default({ type: 'none' }),
  defaultHeaders: z.record(z.string(), z.string(expected('a string')), expected('a mapping of headers')).default({}),
  endpoints: z.record(z.string().min(1), endpointSchema, expected('a mapping of kind → endpoint (or a list of endpoints with `kind`)')),
  /** Statuses retried (replacing the toolkit's 408, 429, 502, 503, 504) and attempts in all; checked by checkRetry. */
  retry: z.custom<RetrySettings>(() => true).optional(),
  token: z.string().optional(),
  password: z.string().optional(),
  apiKey: z.string().optional(),
  clientSecret: z.string().optional(),
});

export type HttpConfig = z.output<typeof configSchema>;
export type EndpointConfig = z.output<typeof endpointSchema>;
export type PaginationConfig = z.output<typeof paginationSchema>;
export type AuthConfig = z.output<typeof authSchema>;

/** An invalid description: one line per problem, each starting with the field path. */
export class HttpConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid http integration config:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'HttpConfigError';
  }
}

/** The secret setting each auth type reads; secrets live in their own (sensitive) settings so they are masked. */
const SECRET_OF: Record<string, 'token' | 'password' | 'apiKey' | 'clientSecret' | undefined> = {
  bearer: 'token',
  basic: 'password',
  apiKey: 'apiKey',
  oauth2ClientCredentials: 'clientSecret',
};
const SECRET_NAMES = ['token', 'password', 'apiKey', 'clientSecret'];
const envName = (name: string): string => `OCEAN__INTEGRATION__CONFIG__${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * Validate a raw integration config and return it typed, with defaults applied. `auth`, `defaultHeaders`,
 * `endpoints` and `retry` may be JSON or YAML text; `endpointsYaml` (text) wins over `endpoints`; endpoints may be a
 * mapping by kind or a list of `{kind, …}`. Throws {@link HttpConfigError} naming every bad field.
 *
 * @example validateHttpConfig({ baseUrl: 'https://api.example.com', endpoints: { user: { path: '/users' } } })
 */
export function validateHttpConfig(raw: unknown): HttpConfig {
  const issues: string[] = [];
  const input: Record<string, unknown> = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw } : {};
  for (const key of ['auth', 'defaultHeaders', 'endpoints', 'endpointsYaml', 'retry'] as const) {
    if (typeof input[key] === 'string') input[key] = parseText(input[key] as string, key, issues);
  }
  if (input.endpointsYaml !== undefined && input.endpointsYaml !== null) input.endpoints = input.endpointsYaml;
  delete input.endpointsYaml;
  if (Array.isArray(input.endpoints)) input.endpoints = fromList(input.endpoints, issues);
  if (input.auth !== null && typeof input.auth === 'object') {
    for (const name of SECRET_NAMES) {
      if (name in (input.auth as object)) issues.push(`auth.${name}: secrets are not set inside auth; set the sensitive \`${name}\` setting (${envName(name)}) so it is masked`);
    }
  }
  if (issues.length > 0) throw new HttpConfigError(issues);

  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new HttpConfigError(parsed.error.issues.flatMap(formatIssue));
  const config = parsed.data;
  checkAuth(config, issues);
  checkEndpoints(config, issues);
  if (config.retry !== undefined) issues.push(...retrySettingsIssues(config.retry, 'retry'));
  if (issues.length > 0) throw new HttpConfigError(issues);
  return config;
}

/** The jq paths that do not compile, as issues naming their field; empty when all compile. */
export async function jqIssues(config: HttpConfig): Promise<string[]> {
  const issues: string[] = [];
  for (const [kind, ep] of Object.entries(config.endpoints)) {
    const fields: Array<[string, string | undefined]> = [['itemsPath', ep.itemsPath]];
    if (ep.pagination.type === 'cursor') fields.push(['pagination.cursorPath', ep.pagination.cursorPath]);
    if (ep.pagination.type === 'offset') fields.push(['pagination.totalPath', ep.pagination.totalPath]);
    for (const [field, path] of fields) {
      const error = path === undefined ? undefined : await pathCompileError(path);
      if (error) issues.push(`endpoints.${kind}.${field}: jq does not compile ${JSON.stringify(path)}: ${error}`);
    }
  }
  return issues;
}

/** {@link validateHttpConfig} plus the jq compile check; what each resync runs before any request. */
export async function loadHttpConfig(raw: unknown): Promise<HttpConfig> {
  const config = validateHttpConfig(raw);
  const issues = await jqIssues(config);
  if (issues.length > 0) throw new HttpConfigError(issues);
  return config;
}

function parseText(text: string, field: string, issues: string[]): unknown {
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    return YAML.parse(text);
  } catch (error) {
    const pos = error instanceof YAML.YAMLError ? error.linePos?.[0] : undefined;
    issues.push(`${field}: could not parse as YAML or JSON${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}`);
    return undefined;
  }
}

function fromList(list: unknown[], issues: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  list.forEach((entry, i) => {
    const kind = entry !== null && typeof entry === 'object' ? (entry as { kind?: unknown }).kind : undefined;
    if (typeof kind !== 'string' || kind.trim() === '') return issues.push(`endpoints[${i}].kind: expected the kind name (a non-empty string)`);
    if (Object.hasOwn(out, kind)) return issues.push(`endpoints[${i}].kind: "${kind}" is described twice`);
    const { kind: _, ...rest } = entry as Record<string, unknown>;
    out[kind] = rest;
  });
  return out;
}

function checkAuth(config: HttpConfig, issues: string[]): void {
  const secret = SECRET_OF[config.auth.type];
  if (secret && !config[secret]) issues.push(`${secret}: required by auth.type "${config.auth.type}"; set it (sensitive) with ${envName(secret)}`);
  if (config.auth.type === 'oauth2ClientCredentials' && !isUrlOrPath(config.auth.tokenUrl)) {
    issues.push('auth.tokenUrl: expected an absolute URL or a path starting with /');
  }
}

function checkEndpoints(config: HttpConfig, issues: string[]): void {
  const kinds = Object.keys(config.endpoints);
  if (kinds.length === 0) issues.push('endpoints: describe at least one endpoint');
  for (const [kind, ep] of Object.entries(config.endpoints)) {
    const at = `endpoints.${kind}`;
    if (!isUrlOrPath(ep.path)) issues.push(`${at}.path: expected a path starting with / or an absolute URL`);
    const pagination = ep.pagination;
    if (pagination.type === 'pageNumber' && (pagination.pageSize === undefined) !== (pagination.pageSizeParam === undefined)) {
      issues.push(`${at}.pagination: pageSize and pageSizeParam go together`);
    }
    const templates: Array<[string, string]> = [['path', ep.path], ...Object.entries(ep.params).map(([k, v]): [string, string] => [`params.${k}`, String(v)])];
    const used = templates.flatMap(([field, text]) => placeholders(text).map((name) => ({ field, name })));
    if (ep.parent === undefined) {
      for (const { field, name } of used) issues.push(`${at}.${field}: placeholder {${name}} needs \`parent\` (the kind whose items fill it)`);
      continue;
    }
    if (!Object.hasOwn(config.endpoints, ep.parent)) {
      issues.push(`${at}.parent: "${ep.parent}" is not a described endpoint (described: ${kinds.join(', ')})`);
      continue;
    }
    const cycle = parentCycle(config, kind);
    if (cycle) issues.push(`${at}.parent: parents form a cycle (${cycle.join(' → ')})`);
    if (used.length === 0) issues.push(`${at}.parent: set, but path and params have no {${ep.parent}.…} placeholder`);
    for (const { field, name } of used) {
      if (!name.startsWith(`${ep.parent}.`) || name.length <= ep.parent.length + 1) {
        issues.push(`${at}.${field}: placeholder {${name}} must name a field of the parent item, like {${ep.parent}.id}`);
      }
    }
  }
}

function parentCycle(config: HttpConfig, start: string): string[] | undefined {
  const chain = [start];
  for (let kind = config.endpoints[start].parent; kind !== undefined; kind = config.endpoints[kind]?.parent) {
    chain.push(kind);
    if (kind === start) return chain;
    if (chain.length > Object.keys(config.endpoints).length + 1) return undefined;
  }
  return undefined;
}

function isUrlOrPath(value: string): boolean {
  return value.startsWith('/') || /^https?:\/\/[^/]/i.test(value);
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '') || '(config)';
}
