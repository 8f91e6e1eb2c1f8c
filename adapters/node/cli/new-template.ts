/**
 * The integration files `tide new` writes, in a standalone project and in the Tide repository alike: one
 * kind fetched page by page from a placeholder vendor API through `ctx.http` (sample projects until its
 * URL is set, so a first `tide sail . --once` shows the whole path), the `.port/` files, and a test that
 * passes as generated: the mapping against a fake API, then a whole resync into the local Port emulator.
 */
export interface TemplateInput {
  name: string;
  description: string;
}

const yamlString = (text: string): string => JSON.stringify(text);

export function integrationFiles(t: TemplateInput): Record<string, string> {
  const blueprint = `${t.name}-project`;
  return {
    'index.ts': `/**
 * ${t.description}
 *
 * One kind, \`project\`, read page by page from the vendor API. Settings come from \`.port/spec.yaml\`
 * (\`OCEAN__INTEGRATION__CONFIG__API_URL\`, \`OCEAN__INTEGRATION__CONFIG__API_TOKEN\`).
 */
import { defineIntegration, z } from 'port-tide';
import type { RawItem } from 'port-tide';

/** What the kind yields until \`apiUrl\` is set: a first resync works before the vendor API is wired in. */
export const SAMPLE_PROJECTS: RawItem[] = [
  { id: 'sample-1', name: 'Sample project one', url: 'https://example.com/projects/sample-1', description: 'Set OCEAN__INTEGRATION__CONFIG__API_URL to sync real projects', archived: false },
  { id: 'sample-2', name: 'Sample project two', url: 'https://example.com/projects/sample-2', description: null, archived: false },
  { id: 'sample-3', name: 'An archived sample', url: 'https://example.com/projects/sample-3', description: null, archived: true },
];

export default defineIntegration({
  type: '${t.name}',
  version: '0.1.0',
  // \`ctx.config\`: checked once at startup; a bad value stops it naming its OCEAN__INTEGRATION__CONFIG__ variable.
  config: z.object({
    apiUrl: z.string().optional(),
    apiToken: z.string().optional(),
  }),
  kinds: {
    project: {
      // A kind may declare \`selector: z.object({ … })\`: the mapping's selector fields then reach \`ctx.selector\` checked and typed.
      async *resync(ctx) {
        if (!ctx.config.apiUrl) {
          ctx.logger.warn('apiUrl is not set (OCEAN__INTEGRATION__CONFIG__API_URL): syncing the sample projects');
          yield SAMPLE_PROJECTS;
          return;
        }
        const headers: Record<string, string> = ctx.config.apiToken ? { authorization: \`Bearer \${ctx.config.apiToken}\` } : {};
        // Replace with the vendor's real paging; ctx.http retries and honours rate-limit headers.
        for (let page = 1; ; page++) {
          const items = await ctx.http.json<RawItem[]>(\`\${ctx.config.apiUrl}/projects?page=\${page}\`, { headers, signal: ctx.signal });
          if (items.length === 0) return;
          yield items;
        }
      },
    },
  },
});
`,
    '.port/spec.yaml': `# Tide reads \`type\` and \`configurations\`; the rest is for Port's installer.
type: ${t.name}
title: ${yamlString(t.name)}
description: ${yamlString(t.description)}
icon: Blueprint
features:
  - type: exporter
    resources:
      - kind: project
configurations:
  - name: apiUrl
    type: url
    required: false
    description: Base URL of the vendor API (unset, the integration syncs sample projects)
  - name: apiToken
    type: string
    required: false
    sensitive: true
    description: API token (never commit it; set OCEAN__INTEGRATION__CONFIG__API_TOKEN)
`,
    '.port/resources/blueprints.json': `${JSON.stringify(
      [
        {
          identifier: blueprint,
          title: `${t.name} project`,
          icon: 'Blueprint',
          schema: {
            properties: {
              url: { type: 'string', format: 'url', title: 'URL' },
              description: { type: 'string', title: 'Description' },
            },
            required: [],
          },
          relations: {},
        },
      ],
      null,
      2,
    )}\n`,
    '.port/resources/port-app-config.yml': `resources:
  - kind: project
    selector:
      query: '.archived != true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"${blueprint}"'
          properties:
            url: .url
            description: .description
`,
    '.env.example': `# Copy to .env and fill in; never commit .env. Empty values count as unset.
# Without Port credentials, \`tide sail\` writes into the embedded local Port (.tide/port.db).
OCEAN__PORT__CLIENT_ID=
OCEAN__PORT__CLIENT_SECRET=
OCEAN__PORT__BASE_URL=
OCEAN__INTEGRATION__IDENTIFIER=
OCEAN__EVENT_LISTENER__TYPE=
OCEAN__INTEGRATION__CONFIG__API_URL=
OCEAN__INTEGRATION__CONFIG__API_TOKEN=
`,
    [`${t.name}.test.ts`]: `import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPortEmulator } from 'port-tide/emulator';
import { loadIntegrationFolder } from 'port-tide/node';
import { emulatorClient, fakeFetch, resyncInto, syncKind } from 'port-tide/testing';
import { describe, expect, it } from 'vitest';
import integration from './index.ts';

const folder = loadIntegrationFolder(fileURLToPath(new URL('.', import.meta.url)));
const read = (file: string): string => readFileSync(new URL(\`./.port/resources/\${file}\`, import.meta.url), 'utf8');
const mapping = read('port-app-config.yml');
const blueprints = JSON.parse(read('blueprints.json')) as Array<Record<string, unknown>>;

const api = 'https://api.example.com';
const projects = [
  { id: 'p-1', name: 'First', url: 'https://example.com/p-1', description: 'The first project', archived: false },
  { id: 'p-2', name: 'Second', url: 'https://example.com/p-2', description: null, archived: true },
];
const vendor = () =>
  fakeFetch({
    [\`\${api}/projects?page=1\`]: projects,
    [\`\${api}/projects?page=2\`]: [],
  });

describe('${t.name}', () => {
  it('fetches every page of projects and maps the active ones', async () => {
    const fetch = vendor();
    const result = await syncKind(integration, 'project', { mapping, blueprints, fetch, config: { apiUrl: api } });
    expect(result.items).toHaveLength(2);
    expect(result.selectorErrors).toEqual([]);
    expect(result.misconfigurations).toEqual([]);
    expect(result.entities).toEqual([
      {
        identifier: 'p-1',
        title: 'First',
        blueprint: '${blueprint}',
        properties: { url: 'https://example.com/p-1', description: 'The first project' },
      },
    ]);
    expect(fetch.requests.map((r) => r.url)).toEqual([\`\${api}/projects?page=1\`, \`\${api}/projects?page=2\`]);
  });

  it('resyncs into the local Port emulator: blueprint provisioned, active projects written', async () => {
    const credentials = { clientId: '${t.name}-test', clientSecret: '${t.name}-test-secret' };
    const port = createPortEmulator({ credentials: [credentials] });
    try {
      const { report } = await resyncInto(integration, {
        port: { fetch: port.fetch, ...credentials },
        folder,
        env: { OCEAN__INTEGRATION__CONFIG__API_URL: api },
        fetch: vendor(),
      });
      expect(report.status).toBe('completed');
      const entities = await emulatorClient({ baseUrl: 'http://port.local', fetch: port.fetch }).entities('${blueprint}');
      expect(entities.map((e) => [e.identifier, e.title])).toEqual([['p-1', 'First']]);
    } finally {
      await port.close();
    }
  });
});
`,
  };
}
