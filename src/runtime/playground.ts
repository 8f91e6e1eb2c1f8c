/**
 * The mapping playground's evaluation (the local Port's web UI): one resource of a stored mapping, edited,
 * over raw items given as text, previewed exactly as `tide map` does it (docs/behaviour.md §8.2) and so
 * as a resync maps. Required fields come from the catalog's blueprints; `env` is empty, because a browser
 * sees every value a program returns.
 */
import { createMapper, MappingConfigError, parsePortAppConfig } from '../mapping/index.ts';
import { requiredFieldsOf } from '../testing/index.ts';
import { MapPreviewError, parseRawItems, type ItemPreview } from './map.ts';
import { previewResource } from './map-preview.ts';

/** The playground previews at most this many raw items (the page shows every field of each). */
export const MAX_PLAYGROUND_ITEMS = 200;

export interface ResourcePreviewInput {
  /** The resource as written (`{kind, selector, port}`). */
  resource: Record<string, unknown>;
  /** Its position in `resources[]`, for labels and messages. */
  index: number;
  /** The whole stored mapping: its top-level options apply to the resource. */
  config: Record<string, unknown>;
  /** Raw items: a JSON array, one JSON value, or NDJSON. */
  items: string;
  /** The catalog's blueprints (plain JSON). */
  blueprints: ReadonlyArray<object>;
}

export interface ResourcePreviewOutput {
  items: ItemPreview[];
  skipped: Array<{ itemIndex: number; message: string; program: string }>;
  selectorErrors: string[];
  /** Raw items given beyond {@link MAX_PLAYGROUND_ITEMS}. */
  omitted: number;
}

/** Bad input, by path (`items`, `resources[1].port…`): the playground shows each at its place. */
export class ResourcePreviewError extends Error {
  override readonly name = 'ResourcePreviewError';
  constructor(readonly issues: Array<{ path: string; message: string }>) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/** One previewer keeps one mapper, so compiled programs are reused across edits. */
export function createResourcePreviewer(): (input: ResourcePreviewInput) => Promise<ResourcePreviewOutput> {
  let blueprints: ReadonlyArray<object> = [];
  const mapper = createMapper({ env: {}, requiredFields: (id) => requiredFieldsOf(blueprints as Array<Record<string, unknown>>)(id) });
  return async (input) => {
    blueprints = input.blueprints;
    let items: unknown[];
    try {
      items = parseRawItems(input.items, 'items');
    } catch (error) {
      if (error instanceof MapPreviewError) throw new ResourcePreviewError([{ path: 'items', message: error.message.replace(/^\[tide\] items: /, '') }]);
      throw error;
    }
    let resource;
    try {
      resource = parsePortAppConfig({ ...input.config, resources: [input.resource] }).resources[0]!;
    } catch (error) {
      if (error instanceof MappingConfigError) {
        throw new ResourcePreviewError(error.issues.map((i) => ({ path: i.path.replace(/^resources\[0\]/, `resources[${input.index}]`), message: i.message })));
      }
      throw error;
    }
    const preview = await previewResource(mapper, resource, input.index, items.slice(0, MAX_PLAYGROUND_ITEMS));
    return { items: preview.items, skipped: preview.skipped, selectorErrors: preview.selectorErrors, omitted: Math.max(0, items.length - MAX_PLAYGROUND_ITEMS) };
  };
}
