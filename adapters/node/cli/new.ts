/**
 * `tide new <name> [--dir D] [--description T]` (docs/behaviour.md §8.1): scaffold an integration without
 * a single prompt, and never with a secret. Anywhere else it is a project of its own, depending on the
 * `port-tide` package, with its commands and a deployment entry per runtime; inside the Tide repository
 * (`--dir integrations/<name>`) it is a bundled integration. Both import `port-tide`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './context.ts';
import { projectFiles, projectReadme } from './new-project.ts';
import { integrationFiles, type TemplateInput } from './new-template.ts';

export interface NewOptions {
  dir?: string;
  description?: string;
}

/** The root of the Tide repository containing `dir`, if any: a package.json named `port-tide` beside `src/testing/`. */
export function tideCheckoutOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
        if (name === 'port-tide' && existsSync(join(d, 'src', 'testing', 'index.ts'))) return d;
      } catch {
        // An unreadable package.json is not Tide's.
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

function bundledReadme(t: TemplateInput): string {
  return `# ${t.name}

${t.description}

- \`index.ts\`: the integration (kind \`project\`, fetched page by page through \`ctx.http\`).
- \`.port/spec.yaml\`: its settings; \`.port/resources/\`: the default blueprint and mapping.
- \`${t.name}.test.ts\`: the mapping against a fake API, and a whole resync into the local Port emulator.

Run it with \`npm run tide -- sail integrations/${t.name} --once\`; test it with \`npx vitest run integrations/${t.name}\`.
`;
}

/** Write the scaffold; returns the folder, the files written, and whether it went into the Tide repository. */
export function runNew(name: string, opts: NewOptions, cwd: string): { dir: string; files: string[]; inCheckout: boolean } {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name.endsWith('-')) {
    throw new CliError(`[tide] invalid integration name "${name}": use lowercase letters, digits and "-", starting with a letter (it becomes the Port integration type)`, 2);
  }
  const dir = resolve(cwd, opts.dir ?? name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CliError(`[tide] ${dir} already exists and is not empty; choose another --dir`, 1);
  const input: TemplateInput = { name, description: opts.description ?? `The ${name} integration for Port, built with Tide.` };
  const inCheckout = tideCheckoutOf(dirname(dir)) !== undefined;
  const files = inCheckout
    ? { ...integrationFiles(input), 'README.md': bundledReadme(input) }
    : { ...integrationFiles(input), ...projectFiles(input), 'README.md': projectReadme(input) };
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
  }
  return { dir, files: Object.keys(files), inCheckout };
}
