import type { Blueprint } from '../types.ts';

/**
 * The mapping playground's contract with the mapping engine. The emulator is a Port look-alike and does
 * not import Tide's core, so whoever starts it (the `tide` CLI) injects the engine: the same evaluation a
 * resync and `tide map` run (docs/behaviour.md §8.2). Without one the playground says it is unavailable.
 */
export interface PlaygroundInput {
  /** The resource as the user wrote it (`{kind, selector, port}`), parsed from the editor's YAML. */
  resource: Record<string, unknown>;
  /** Its position in the mapping's `resources[]`, for labels and messages. */
  index: number;
  /** The integration's whole stored mapping: its top-level options apply to the resource. */
  config: Record<string, unknown>;
  /** Raw items of the resource's kind as text: a JSON array, one JSON value, or NDJSON (as `tide map --input`). */
  items: string;
  /** Every blueprint in the catalog (required fields decide a null field's severity). */
  blueprints: Blueprint[];
}

export interface PlaygroundField {
  /** Ocean's dotted path (`properties.url`, `mappings[1].identifier`). */
  path: string;
  program: string;
  value: unknown;
  error?: string;
  severity?: 'ERROR' | 'WARNING';
}

export interface PlaygroundItem {
  rawIndex: number;
  element?: { index: number; value: unknown };
  selector: { passed: boolean; value?: unknown; error?: string };
  fields: PlaygroundField[];
  /** Entity bodies exactly as a resync would send them. */
  entities: object[];
  dropped: string[];
}

export interface PlaygroundPreview {
  items: PlaygroundItem[];
  skipped: Array<{ itemIndex: number; message: string; program: string }>;
  selectorErrors: string[];
  /** Raw items given beyond what the engine previews. */
  omitted?: number;
}

/** Evaluate one resource over raw items. A mapping the engine rejects throws an error with `issues`. */
export type PlaygroundEvaluator = (input: PlaygroundInput) => Promise<PlaygroundPreview>;

/** Options of the web UI (`createPortEmulator({ ui })`); `ui: false` serves Port's API only. */
export interface UiOptions {
  /** The mapping engine for the playground. */
  evaluate?: PlaygroundEvaluator;
}

/** One finding of the blueprint check, at an entity field. */
export interface FieldIssue {
  /** The entity field: `identifier`, `blueprint`, `title`, `team`, `properties.<id>`, `relations.<id>`. */
  path: string;
  /** `error`: Port rejects the entity; `warning`: Port accepts it but drops or changes something; `info`: worth knowing. */
  level: 'error' | 'warning' | 'info';
  message: string;
}
