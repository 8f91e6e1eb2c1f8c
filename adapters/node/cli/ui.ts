/**
 * The local Port's mapping playground wired to Tide's own mapping engine: `tide port-local`,
 * `npm run port-local` and `tide ui` start the emulator with this evaluator, so the playground shows
 * exactly what a resync and `tide map` compute (the same mapper, the same per-item preview).
 */
import type { PlaygroundEvaluator, PlaygroundPreview } from '../../../emulator/index.ts';
import type { Blueprint } from '../../../emulator/types.ts';
import { MappingConfigError, createMapper, parsePortAppConfig } from '../../../src/mapping/index.ts';
import { requiredFieldsOf } from '../../../src/testing/index.ts';
import { CliError } from './context.ts';
import { parseItems } from './map.ts';
import { previewResource } from './map-preview.ts';

/** The playground previews at most this many raw items (each costs two engine calls). */
export const MAX_PLAYGROUND_ITEMS = 200;

class PlaygroundInputError extends Error {
  constructor(readonly issues: Array<{ path: string; message: string }>) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

export function createPlaygroundEvaluator(): PlaygroundEvaluator {
  // Required fields decide a null field's severity; they come from the catalog of each call.
  let blueprints: Blueprint[] = [];
  // The browser sees every value a program returns, so `env` is empty rather than this process's environment.
  const mapper = createMapper({ env: {}, requiredFields: (id) => requiredFieldsOf(blueprints as unknown as Array<Record<string, unknown>>)(id) });
  return async (input): Promise<PlaygroundPreview> => {
    blueprints = input.blueprints;
    let items: unknown[];
    try {
      items = parseItems(input.items, 'items');
    } catch (error) {
      if (error instanceof CliError) throw new PlaygroundInputError([{ path: 'items', message: error.message.replace(/^\[tide\] items: /, '') }]);
      throw error;
    }
    let resource;
    try {
      // The stored mapping's top-level options, with this one resource in its place.
      resource = parsePortAppConfig({ ...input.config, resources: [input.resource] }).resources[0]!;
    } catch (error) {
      if (error instanceof MappingConfigError) {
        throw new PlaygroundInputError(error.issues.map((i) => ({ path: i.path.replace(/^resources\[0\]/, `resources[${input.index}]`), message: i.message })));
      }
      throw error;
    }
    const preview = await previewResource(mapper, resource, input.index, items.slice(0, MAX_PLAYGROUND_ITEMS));
    return { items: preview.items, skipped: preview.skipped, selectorErrors: preview.selectorErrors, omitted: Math.max(0, items.length - MAX_PLAYGROUND_ITEMS) };
  };
}

/** `tide port-local [flags]` and `tide ui [--db FILE] [--port N] [flags]`: the emulator with the playground. */
export async function runLocalPort(argv: string[]): Promise<void> {
  const { runPortLocal } = await import('../../../emulator/cli.ts');
  await runPortLocal(argv, { ui: { evaluate: createPlaygroundEvaluator() } });
}
