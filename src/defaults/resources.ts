import { parse as parseYaml } from 'yaml';

/**
 * An integration's `.port/resources/` folder (docs/behaviour.md §7.2), parsed. The core reads no
 * files: adapters pass each file's name and text, and this module decides what they mean.
 */
export interface PortResources {
  blueprints: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
  scorecards: Array<{ blueprint: string; data: Array<Record<string, unknown>> }>;
  pages: Array<Record<string, unknown>>;
  /** The shipped default mapping, as written (validated by the mapping module). */
  portAppConfig: Record<string, unknown> | undefined;
}

export class PortResourcesError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid .port/resources:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'PortResourcesError';
  }
}

const STEMS = ['blueprints', 'actions', 'scorecards', 'pages', 'port-app-config'] as const;
const EXTENSIONS = ['.json', '.yaml', '.yml'];

export const emptyResources = (): PortResources => ({ blueprints: [], actions: [], scorecards: [], pages: [], portAppConfig: undefined });

/**
 * Parse the files of `.port/resources/` (`name` is the file name, e.g. `blueprints.json`).
 * Recognised stems with another extension are errors; other files are ignored.
 */
export function parsePortResources(files: Array<{ name: string; text: string }>, dir = '.port/resources'): PortResources {
  const out = emptyResources();
  const issues: string[] = [];
  const seen = new Map<string, string>();
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const dot = file.name.indexOf('.');
    const stem = dot < 0 ? file.name : file.name.slice(0, dot);
    const ext = dot < 0 ? '' : file.name.slice(dot);
    if (!(STEMS as readonly string[]).includes(stem)) continue;
    const where = `${dir}/${file.name}`;
    if (!EXTENSIONS.includes(ext)) {
      issues.push(`${where}: unsupported extension "${ext || '(none)'}"; expected ${stem}.json, ${stem}.yaml or ${stem}.yml`);
      continue;
    }
    if (seen.has(stem)) {
      issues.push(`${where}: ${stem} is also defined by ${seen.get(stem)}; keep one file per kind of resource`);
      continue;
    }
    seen.set(stem, where);
    let value: unknown;
    try {
      value = ext === '.json' ? JSON.parse(file.text) : parseYaml(file.text);
    } catch (err) {
      issues.push(`${where}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${firstLine(err)})`);
      continue;
    }
    if (stem === 'port-app-config') {
      if (value !== null && value !== undefined && !isObject(value)) issues.push(`${where}: expected a mapping object`);
      else out.portAppConfig = (value ?? undefined) as Record<string, unknown> | undefined;
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!Array.isArray(value)) {
      issues.push(`${where}: expected a list of ${stem}`);
      continue;
    }
    value.forEach((item, i) => {
      if (!isObject(item)) issues.push(`${where}: [${i}] expected an object`);
    });
    if (stem === 'blueprints') {
      value.forEach((b, i) => {
        if (isObject(b) && typeof b.identifier !== 'string') issues.push(`${where}: [${i}].identifier expected a string`);
      });
      out.blueprints = value as PortResources['blueprints'];
    } else if (stem === 'scorecards') {
      value.forEach((s, i) => {
        if (isObject(s) && (typeof s.blueprint !== 'string' || !Array.isArray(s.data)))
          issues.push(`${where}: [${i}] expected {blueprint: string, data: [scorecard, ...]}`);
      });
      out.scorecards = value as PortResources['scorecards'];
    } else if (stem === 'actions') out.actions = value as PortResources['actions'];
    else out.pages = value as PortResources['pages'];
  }
  if (issues.length) throw new PortResourcesError(issues);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];
