/**
 * How the http integration's config describes the requests of its `http_request` action (`actions`: name →
 * request) and the checks made of them, each problem naming its field.
 */
import { z } from 'port-tide';
import { placeholders } from './paths.ts';

export const ACTION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The methods that carry a body. */
export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const expected = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? 'required' : `expected ${what}`) });
const text = z.string(expected('a string')).trim().min(1, { error: 'expected a non-empty string' });

/** One described request. */
export const actionRequestSchema = z.strictObject(
  {
    method: z
      .string(expected('an HTTP method'))
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(ACTION_METHODS, { error: `expected one of ${ACTION_METHODS.join(', ')}` })),
    /** Relative to baseUrl (or absolute); `{name}` placeholders take run properties, URL-encoded. */
    path: text,
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), expected('a mapping of query parameters')).default({}),
    headers: z.record(z.string(), z.string(expected('a string')), expected('a mapping of headers')).default({}),
    /**
     * The JSON body: a template whose strings take placeholders (a string that is only `{name}` takes the property's
     * value as it is). Without it, POST, PUT and PATCH send the run's properties (all but `request`).
     */
    body: z.unknown().optional(),
    /** Where the response body holds a URL for the run's link (dotted, or jq when it starts with `.`). */
    linkPath: text.optional(),
  },
  expected('a mapping with at least `method` and `path`'),
);

export type ActionRequest = z.output<typeof actionRequestSchema>;

/** The placeholders of a request's templates, each with the field that holds it. */
export function requestPlaceholders(request: ActionRequest): Array<{ field: string; name: string }> {
  const found: Array<{ field: string; name: string }> = [];
  const visit = (value: unknown, field: string): void => {
    if (typeof value === 'string') for (const name of placeholders(value)) found.push({ field, name });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${field}[${i}]`));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, `${field}.${k}`);
  };
  visit(request.path, 'path');
  for (const [k, v] of Object.entries(request.params)) visit(String(v), `params.${k}`);
  for (const [k, v] of Object.entries(request.headers)) visit(v, `headers.${k}`);
  if (request.body !== undefined) visit(request.body, 'body');
  return found;
}

/** Problems of the described requests, each naming its field (`actions.deploy.path: …`). */
export function actionIssues(actions: Record<string, ActionRequest>): string[] {
  const issues: string[] = [];
  for (const [name, request] of Object.entries(actions)) {
    const at = `actions.${name}`;
    if (!request.path.startsWith('/') && !/^https?:\/\/[^/]/i.test(request.path)) issues.push(`${at}.path: expected a path starting with / or an absolute URL`);
    for (const { field, name: placeholder } of requestPlaceholders(request)) {
      if (placeholder === 'request') issues.push(`${at}.${field}: {request} names the described request, not a run property`);
      else if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(placeholder)) issues.push(`${at}.${field}: {${placeholder}} is not a property name (letters, digits, _ and -, nested with .)`);
    }
    if (request.body !== undefined && !BODY_METHODS.has(request.method)) issues.push(`${at}.body: a ${request.method} request sends no body`);
  }
  return issues;
}
