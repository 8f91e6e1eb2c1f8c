import { describe, expect, it } from 'vitest';
import { HttpConfigError, jqIssues, loadHttpConfig, validateHttpConfig } from './index.ts';

const base = 'https://api.example.com';

/** The issues of an invalid config. */
function issues(raw: unknown): string[] {
  try {
    validateHttpConfig(raw);
  } catch (error) {
    if (error instanceof HttpConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('validateHttpConfig', () => {
  it('applies defaults and keeps the base URL without a trailing slash', () => {
    const config = validateHttpConfig({ baseUrl: `${base}/v2/`, endpoints: { user: { path: '/users' } } });
    expect(config.baseUrl).toBe(`${base}/v2`);
    expect(config.auth).toEqual({ type: 'none' });
    expect(config.endpoints.user).toEqual({ path: '/users', itemsPath: '.', params: {}, headers: {}, pagination: { type: 'none' } });
  });

  it('reads endpoints, auth and headers given as YAML or JSON text, and endpoints as a list', () => {
    const yaml = `
- kind: user
  path: /users
  pagination: { type: pageNumber, pageParam: p }
- kind: todo
  path: /users/{user.id}/todos
  parent: user
`;
    const config = validateHttpConfig({ baseUrl: base, endpoints: yaml, auth: '{"type":"bearer"}', token: 't', defaultHeaders: 'x-a: b' });
    expect(Object.keys(config.endpoints)).toEqual(['user', 'todo']);
    expect(config.endpoints.user.pagination).toEqual({ type: 'pageNumber', pageParam: 'p', start: 1 });
    expect(config.auth).toEqual({ type: 'bearer' });
    expect(config.defaultHeaders).toEqual({ 'x-a': 'b' });
    // endpointsYaml (the text setting) wins over endpoints (the spec default).
    const overridden = validateHttpConfig({ baseUrl: base, endpoints: { user: { path: '/users' } }, endpointsYaml: 'item: { path: /items }' });
    expect(Object.keys(overridden.endpoints)).toEqual(['item']);
  });

  it('names the field of each problem, all at once', () => {
    expect(
      issues({
        baseUrl: 'not a url',
        endpoints: {
          post: { path: '/posts', pagination: { type: 'cursor', cursorParam: 'after' } },
          user: { path: 'users', paginaton: { type: 'offset' } },
          tag: { path: '/tags', pagination: { type: 'offset', limit: 0 } },
        },
      }),
    ).toEqual([
      'baseUrl: expected an absolute URL such as https://api.example.com',
      'endpoints.post.pagination.cursorPath: required',
      'endpoints.user.paginaton: unknown field',
      'endpoints.tag.pagination.limit: expected a whole number of at least 1',
    ]);
    expect(issues({ baseUrl: base, endpoints: { user: { path: '/u', pagination: { type: 'pages' } } }, auth: { type: 'token' } })).toEqual([
      'auth.type: expected type to be one of none, bearer, basic, apiKey, oauth2ClientCredentials',
      'endpoints.user.pagination.type: expected type to be one of none, offset, pageNumber, cursor, linkHeader',
    ]);
    expect(issues({})).toEqual(['baseUrl: required', 'endpoints: required']);
    expect(issues({ baseUrl: base, endpoints: { user: { path: '/users' } }, auth: { type: 'apiKey', name: 'X-Key' } })).toEqual([
      'apiKey: required by auth.type "apiKey"; set it (sensitive) with OCEAN__INTEGRATION__CONFIG__API_KEY',
    ]);
    expect(issues({ baseUrl: base, endpoints: { user: { path: '/u' } }, auth: { type: 'bearer', token: 'inline' } })).toEqual([
      'auth.token: secrets are not set inside auth; set the sensitive `token` setting (OCEAN__INTEGRATION__CONFIG__TOKEN) so it is masked',
    ]);
    expect(issues({ baseUrl: base, endpoints: 'user: [' })).toEqual(['endpoints: could not parse as YAML or JSON (line 1, column 8)']);
    expect(issues({ baseUrl: base, endpoints: [{ path: '/a' }] })).toEqual(['endpoints[0].kind: expected the kind name (a non-empty string)']);
  });

  it('checks parents and placeholders', () => {
    expect(
      issues({
        baseUrl: base,
        endpoints: {
          user: { path: '/users/{id}' },
          todo: { path: '/todos', params: { owner: '{usr.id}' }, parent: 'user' },
          note: { path: '/notes/{page.id}', parent: 'page' },
          a: { path: '/a/{b.id}', parent: 'b' },
          b: { path: '/b/{a.id}', parent: 'a' },
          c: { path: '/c', parent: 'user' },
        },
      }),
    ).toEqual([
      'endpoints.user.path: placeholder {id} needs `parent` (the kind whose items fill it)',
      'endpoints.todo.params.owner: placeholder {usr.id} must name a field of the parent item, like {user.id}',
      'endpoints.note.parent: "page" is not a described endpoint (described: user, todo, note, a, b, c)',
      'endpoints.a.parent: parents form a cycle (a → b → a)',
      'endpoints.b.parent: parents form a cycle (b → a → b)',
      'endpoints.c.parent: set, but path and params have no {user.…} placeholder',
    ]);
  });

  it('reports jq paths that do not compile, naming the field', async () => {
    const config = validateHttpConfig({
      baseUrl: base,
      endpoints: { post: { path: '/p', itemsPath: '.data[] |', pagination: { type: 'cursor', cursorPath: '.meta.next', cursorParam: 'c' } } },
    });
    const found = await jqIssues(config);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^endpoints\.post\.itemsPath: jq does not compile "\.data\[\] \|": /);
    await expect(loadHttpConfig({ baseUrl: base, endpoints: { post: { path: '/p', itemsPath: '.data[]' } } })).resolves.toBeDefined();
  });

  it('reads retry {statuses, attempts}, as a mapping or as text, and names what is wrong with it', () => {
    const endpoints = { user: { path: '/users' } };
    expect(validateHttpConfig({ baseUrl: base, endpoints }).retry).toBeUndefined();
    expect(validateHttpConfig({ baseUrl: base, endpoints, retry: { statuses: [500, 503], attempts: 4 } }).retry).toEqual({ statuses: [500, 503], attempts: 4 });
    expect(validateHttpConfig({ baseUrl: base, endpoints, retry: '{"attempts": 1}' }).retry).toEqual({ attempts: 1 });
    expect(issues({ baseUrl: base, endpoints, retry: { statuses: [503, 200, 'x'], attempts: 0, codes: [1] } })).toEqual([
      'retry.statuses[1]: expected an HTTP status from 400 to 599, got 200',
      'retry.statuses[2]: expected an HTTP status from 400 to 599, got "x"',
      'retry.attempts: expected a whole number from 1 to 50, got 0',
      'retry.codes: unknown field',
    ]);
    expect(issues({ baseUrl: base, endpoints, retry: { statuses: 503 } })).toEqual(['retry.statuses: expected a list of HTTP statuses, got 503']);
    expect(issues({ baseUrl: base, endpoints, retry: 5 })).toEqual(['retry: expected a mapping with statuses and/or attempts, got 5']);
    expect(issues({ baseUrl: base, endpoints, retry: 'attempts: [' })).toEqual(['retry: could not parse as YAML or JSON (line 1, column 12)']);
  });
});
