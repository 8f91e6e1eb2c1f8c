import { z } from 'zod';
import YAML from 'yaml';
import { SPEC_TYPES, describeValue, specKind } from './coerce.ts';
import type { SpecType } from './coerce.ts';
import { isPlainObject, looseKey } from './catalogue.ts';

/** One `.port/spec.yaml` `configurations[]` entry (docs/behaviour.md §2.5). */
export interface SpecConfiguration {
  name: string;
  type: SpecType;
  required: boolean;
  default?: unknown;
  sensitive: boolean;
  description?: string;
}

/** The parts of `.port/spec.yaml` Tide reads; the rest (title, features, saas, …) is Port's installer's. */
export interface IntegrationSpec {
  type?: string;
  configurations: SpecConfiguration[];
  /** The integration can execute self-service action runs (docs/behaviour.md §11.1). */
  actionsProcessingEnabled?: boolean;
}

/** A broken spec: `issues` holds one line per problem, each naming the file and the entry. */
export class SpecError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid integration spec:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'SpecError';
    this.issues = issues;
  }
}

const entrySchema = z.object(
  {
    name: z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' }),
    type: z.enum(SPEC_TYPES, {
      error: (iss) => `unknown type ${describeValue(iss.input, false)}; expected one of ${SPEC_TYPES.join(', ')}`,
    }),
    required: z.boolean({ error: 'expected true or false' }).default(false),
    default: z.unknown().optional(),
    sensitive: z.boolean({ error: 'expected true or false' }).default(false),
    description: z.string({ error: 'expected a string' }).optional(),
  },
  { error: 'expected a mapping {name, type, required?, default?, sensitive?, description?}' },
);

const specSchema = z.object({
  type: z.string({ error: 'expected a string' }).optional(),
  actionsProcessingEnabled: z.boolean({ error: 'expected true or false' }).optional(),
  configurations: z
    .array(entrySchema, { error: 'expected a list of configuration entries' })
    .nullish()
    .transform((v) => v ?? []),
});

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '');
}

/**
 * Validates an already-parsed spec document and returns its `type` and typed `configurations`.
 * Throws {@link SpecError} listing every problem, each naming the file and entry,
 * e.g. `.port/spec.yaml: configurations[2].type: unknown type "strng"; expected one of string, url, …`.
 *
 * @example parseSpec({ configurations: [{ name: 'jiraHost', type: 'url', required: true }] })
 */
export function parseSpec(raw: unknown, source = '.port/spec.yaml'): IntegrationSpec {
  if (raw === null || raw === undefined) return { configurations: [] };
  if (!isPlainObject(raw)) throw new SpecError([`${source}: expected a mapping with "configurations", got ${describeValue(raw, false)}`]);
  const parsed = specSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SpecError(parsed.error.issues.map((iss) => `${source}: ${formatPath(iss.path) || '(root)'}: ${iss.message}`));
  }
  const issues: string[] = [];
  const seen = new Map<string, number>();
  parsed.data.configurations.forEach((entry, i) => {
    const previous = seen.get(looseKey(entry.name));
    if (previous !== undefined) {
      issues.push(`${source}: configurations[${i}].name: "${entry.name}" duplicates configurations[${previous}].name (names match case-insensitively, underscores ignored)`);
    }
    seen.set(looseKey(entry.name), i);
    if (entry.default !== undefined && entry.default !== null) {
      const kind = specKind(entry.type);
      if (!kind.coerce(entry.default).ok) {
        issues.push(`${source}: configurations[${i}].default: expected ${kind.expected}, got ${describeValue(entry.default, entry.sensitive)}`);
      }
    }
  });
  if (issues.length > 0) throw new SpecError(issues);
  const configurations = parsed.data.configurations.map((e): SpecConfiguration => {
    const out: SpecConfiguration = { name: e.name, type: e.type, required: e.required, sensitive: e.sensitive };
    if (e.default !== undefined && e.default !== null) out.default = e.default;
    if (e.description !== undefined) out.description = e.description;
    return out;
  });
  const spec: IntegrationSpec = parsed.data.type === undefined ? { configurations } : { type: parsed.data.type, configurations };
  if (parsed.data.actionsProcessingEnabled !== undefined) spec.actionsProcessingEnabled = parsed.data.actionsProcessingEnabled;
  return spec;
}

/**
 * Parses spec file text (YAML, or JSON when `fileName` ends in `.json`) and validates it with {@link parseSpec}.
 * Reading the file is the caller's job.
 */
export function parseSpecText(text: string, fileName = '.port/spec.yaml'): IntegrationSpec {
  let raw: unknown;
  try {
    raw = fileName.toLowerCase().endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new SpecError([`${fileName}: ${syntaxProblem(error)}`]);
  }
  return parseSpec(raw, fileName);
}

/** A parse failure as "line L, column C: CODE" without echoing file content. */
export function syntaxProblem(error: unknown): string {
  if (error instanceof YAML.YAMLError) {
    const pos = error.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    return `could not parse (${where}${error.code}); expected valid YAML`;
  }
  if (error instanceof SyntaxError) return 'could not parse; expected valid JSON';
  return 'could not parse';
}
