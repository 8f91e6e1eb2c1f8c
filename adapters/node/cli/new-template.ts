/**
 * The files `tide new` writes. The integration fetches one kind from a placeholder vendor API through
 * `ctx.http`; its test serves that API with `fakeFetch`, so it passes offline as generated.
 */
export interface TemplateInput {
  name: string;
  description: string;
  /** Module specifier of Tide's public API: `tide`, or a relative path inside the Tide checkout. */
  tideImport: string;
  /** Module specifier of the test helpers: `tide/testing`, or a relative path inside the checkout. */
  testingImport: string;
}

const yamlString = (text: string): string => JSON.stringify(text);

export function templateFiles(t: TemplateInput): Record<string, string> {
  const blueprint = `${t.name}-project`;
  return {
    'index.ts': `/**
 * ${t.description}
 *
 * One kind, \`project\`, read page by page from the vendor API. Settings come from \`.port/spec.yaml\`
 * (\`OCEAN__INTEGRATION__CONFIG__API_URL\`, \`OCEAN__INTEGRATION__CONFIG__API_TOKEN\`).
 */
import { defineIntegration, z } from '${t.tideImport}';
import type { RawItem } from '${t.tideImport}';

export const DEFAULT_API_URL = 'https://api.example.com';

export default defineIntegration({
  type: '${t.name}',
  version: '0.1.0',
  // \`ctx.config\`: checked once at startup; a bad value stops it naming its OCEAN__INTEGRATION__CONFIG__ variable.
  config: z.object({
    apiUrl: z.string().default(DEFAULT_API_URL),
    apiToken: z.string().optional(),
  }),
  kinds: {
    project: {
      // A kind may declare \`selector: z.object({ … })\`: the mapping's selector fields then reach \`ctx.selector\` checked and typed.
      async *resync(ctx) {
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
    '.port/spec.yaml': `# Tide reads \`type\` and \`configurations\`; the rest is for Port's installer (OCEAN-BEHAVIOUR.md §2.5).
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
    default: https://api.example.com
    description: Base URL of the vendor API
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
OCEAN__PORT__CLIENT_ID=
OCEAN__PORT__CLIENT_SECRET=
OCEAN__PORT__BASE_URL=
OCEAN__INTEGRATION__IDENTIFIER=
OCEAN__EVENT_LISTENER__TYPE=
OCEAN__INTEGRATION__CONFIG__API_URL=
OCEAN__INTEGRATION__CONFIG__API_TOKEN=
`,
    'README.md': `# ${t.name}

${t.description}

- \`index.ts\`: the integration (kind \`project\`, fetched page by page through \`ctx.http\`).
- \`.port/spec.yaml\`: its settings; \`.port/resources/\`: the default blueprint and mapping.
- \`${t.name}.test.ts\`: fetches from a fake API and maps with the shipped mapping, offline.

Run it: copy \`.env.example\` to \`.env\`, then \`tide sail <this folder>\` (without Port credentials it uses
the embedded local Port). Preview the mapping: \`tide map <this folder> --kind project --input items.json\`.
Test it: \`npx vitest run <this folder>\`.
`,
    [`${t.name}.test.ts`]: `import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeFetch, syncKind } from '${t.testingImport}';
import integration from './index.ts';

const read = (file: string): string => readFileSync(new URL(\`./.port/resources/\${file}\`, import.meta.url), 'utf8');
const mapping = read('port-app-config.yml');
const blueprints = JSON.parse(read('blueprints.json')) as Array<Record<string, unknown>>;

const api = 'https://api.example.com';
const projects = [
  { id: 'p-1', name: 'First', url: 'https://example.com/p-1', description: 'The first project', archived: false },
  { id: 'p-2', name: 'Second', url: 'https://example.com/p-2', description: null, archived: true },
];

describe('${t.name}', () => {
  it('fetches every page of projects and maps the active ones', async () => {
    const fetch = fakeFetch({
      [\`\${api}/projects?page=1\`]: projects,
      [\`\${api}/projects?page=2\`]: [],
    });
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
});
`,
  };
}
