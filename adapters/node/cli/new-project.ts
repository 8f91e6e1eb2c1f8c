/**
 * What makes a `tide new` folder a project of its own (outside the Tide repository): package.json with
 * its commands, tsconfig, git and Docker ignores, a README, and one entry per deployment path — a
 * Dockerfile for Node, wrangler.toml with a Worker entry for Cloudflare, a Deno entry. Nothing in it is
 * generated code to keep up to date: the Worker imports the `.port/` files, which wrangler bundles.
 */
import tide from '../../../package.json' with { type: 'json' };
import type { TemplateInput } from './new-template.ts';

/** The versions Tide itself is built and tested with (TOOLCHAIN pins), for the project's own tools. */
const dev = (name: keyof typeof tide.devDependencies): string => tide.devDependencies[name];

export function projectFiles(t: TemplateInput): Record<string, string> {
  const packageJson = {
    name: t.name,
    version: '0.1.0',
    private: true,
    description: t.description,
    type: 'module',
    scripts: {
      test: 'vitest run',
      sail: 'tide sail .',
      plan: 'tide plan .',
      map: 'tide map . --kind project',
      'deploy:cloudflare': 'wrangler deploy',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { 'port-tide': `^${tide.version}` },
    devDependencies: {
      '@types/node': dev('@types/node'),
      // The local Port emulator (tests, and `tide sail` without Port credentials) stores in SQLite; a
      // development dependency, so that a production install (the Dockerfile's) leaves it out.
      'better-sqlite3': dev('better-sqlite3'),
      typescript: dev('typescript'),
      vitest: dev('vitest'),
      wrangler: dev('wrangler'),
    },
    allowScripts: { 'better-sqlite3': true, esbuild: true, workerd: true },
  };
  return {
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: ['node'],
          strict: true,
          allowImportingTsExtensions: true,
          noEmit: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          resolveJsonModule: true,
          skipLibCheck: true,
        },
        include: ['*.ts'],
        // The Deno entry: `deno check main.ts`.
        exclude: ['main.ts', 'node_modules'],
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules/\n.env\n.dev.vars\n.tide/\n.wrangler/\n',
    '.dockerignore': 'node_modules\n.env\n.dev.vars\n.tide\n.wrangler\n',
    Dockerfile: `# ${t.name} as a service:
#   docker build -t ${t.name} . && docker run -p 8000:8000 -e OCEAN__PORT__CLIENT_ID=… -e OCEAN__PORT__CLIENT_SECRET=… ${t.name}
FROM node:20-slim
# tini runs as PID 1: it hands docker stop's SIGTERM to Tide, whose graceful shutdown reports a running
# resync as aborted and drains live events.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY index.ts ./
COPY .port ./.port
# State (.tide/) is written by the non-root user.
RUN mkdir .tide && chown node:node .tide
ENV NODE_ENV=production \\
    APPLICATION__HOST=0.0.0.0 \\
    APPLICATION__PORT=8000
USER node
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/node_modules/port-tide/dist/tide.js", "sail"]
CMD ["/app"]
`,
    'wrangler.toml': `# ${t.name} on Cloudflare Workers: \`npx wrangler deploy\` (README.md: queue and secrets first).
name = "${t.name}"
main = "worker.ts"
compatibility_date = "2026-05-01"

# worker.ts imports the .port/ YAML files as text (JSON imports are parsed): the bundle carries them.
[[rules]]
type = "Text"
globs = ["**/*.yaml", "**/*.yml"]
fallthrough = true

# The resync owner: one object per integration, its checkpoint and seen set in SQLite storage.
[[durable_objects.bindings]]
name = "TIDE_RESYNC"
class_name = "TideResync"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["TideResync"]

# Every minute: Port's resync requests (POLLING) and OCEAN__SCHEDULED_RESYNC_INTERVAL.
[triggers]
crons = ["* * * * *"]

# Live events: acknowledged by fetch, applied by the queue consumer one at a time.
[[queues.producers]]
queue = "${t.name}-live-events"
binding = "TIDE_LIVE_EVENTS"

[[queues.consumers]]
queue = "${t.name}-live-events"
max_batch_size = 10
max_batch_timeout = 1
max_retries = 10
max_concurrency = 1

[vars]
OCEAN__INTEGRATION__IDENTIFIER = "${t.name}"
OCEAN__EVENT_LISTENER__TYPE = "POLLING"
# OCEAN__INTEGRATION__CONFIG__API_URL = "https://api.example.com"
# Secrets: npx wrangler secret put OCEAN__PORT__CLIENT_ID (and OCEAN__PORT__CLIENT_SECRET, OCEAN__INTEGRATION__CONFIG__API_TOKEN)
`,
    'worker.ts': `/**
 * The Worker (wrangler.toml's main): the integration, its .port/ files as the bundle carries them, and
 * the resync Durable Object. A new file under .port/resources/ gets one more import and entry here.
 */
import { createWorker } from 'port-tide/cloudflare';
import blueprints from './.port/resources/blueprints.json';
import mapping from './.port/resources/port-app-config.yml';
import spec from './.port/spec.yaml';
import integration from './index.ts';

const { worker, ResyncObject } = createWorker(integration, {
  portFiles: {
    spec,
    resources: [
      { name: 'blueprints.json', json: blueprints },
      { name: 'port-app-config.yml', text: mapping },
    ],
  },
});

export default worker;
export const TideResync = ResyncObject;
`,
    'text-modules.d.ts': `// wrangler.toml's Text rule: a .port/ YAML import is the file's text.
declare module '*.yaml' {
  const text: string;
  export default text;
}
declare module '*.yml' {
  const text: string;
  export default text;
}
`,
    'main.ts': `/**
 * ${t.name} on Deno: \`npx deno run -A main.ts [--once]\` (or deno itself). Settings are the same OCEAN__…
 * variables (add --env-file=.env for a file); deno.json turns on Deno KV, where state is kept.
 */
import { serve } from 'port-tide/deno';
import integration from './index.ts';

const once = Deno.args.includes('--once');
const run = await serve(integration, { dir: import.meta.dirname, overrides: once ? { eventListener: { type: 'ONCE' } } : undefined });
// Long-running modes keep serving until a signal; a one-shot run exits with its status.
if (run.exitCode !== undefined) Deno.exit(run.exitCode);
`,
    'deno.json': `${JSON.stringify({ nodeModulesDir: 'manual', unstable: ['kv'], lock: false }, null, 2)}\n`,
  };
}

export function projectReadme(t: TemplateInput): string {
  return `# ${t.name}

${t.description} Built with [Tide](https://www.npmjs.com/package/port-tide).

\`\`\`sh
npm install
npm test                 # the mapping against a fake API, and a whole resync into the local Port emulator
npx tide sail . --once   # one resync into the embedded local Port (no Port account needed; data in .tide/)
\`\`\`

- \`index.ts\`: the integration (kind \`project\`, fetched page by page through \`ctx.http\`; sample projects until
  \`OCEAN__INTEGRATION__CONFIG__API_URL\` is set).
- \`.port/spec.yaml\`: its settings; \`.port/resources/\`: the default blueprint and mapping.
- \`${t.name}.test.ts\`: the tests (\`port-tide/testing\` against \`port-tide/emulator\`).

Settings come from the environment or \`.env\` (copy \`.env.example\`): with \`OCEAN__PORT__CLIENT_ID\` and
\`OCEAN__PORT__CLIENT_SECRET\` Tide writes to your Port organisation. \`npm run plan\` shows what a resync
would change, \`npm run map -- --input items.json\` previews the mapping of raw items.

## Deploy

- **CI, once per run:** \`OCEAN__PORT__CLIENT_ID=… OCEAN__PORT__CLIENT_SECRET=… npx tide sail . --once\` exits 0
  only when the resync completed with every write done.
- **Docker:** \`docker build -t ${t.name} .\` then
  \`docker run -p 8000:8000 -e OCEAN__PORT__CLIENT_ID=… -e OCEAN__PORT__CLIENT_SECRET=… ${t.name}\`. The image
  runs \`tide sail\` under tini as a non-root user; \`docker stop\` shuts it down gracefully.
- **Cloudflare Workers:** \`npx wrangler login\`, \`npx wrangler queues create ${t.name}-live-events\`,
  \`npx wrangler secret put OCEAN__PORT__CLIENT_ID\` (and \`OCEAN__PORT__CLIENT_SECRET\`), then
  \`npm run deploy:cloudflare\`. \`worker.ts\` imports the \`.port/\` files; wrangler bundles them.
- **Deno:** \`npx deno run -A main.ts --once\` (or without \`--once\` as a service), with the same settings.
`;
}
