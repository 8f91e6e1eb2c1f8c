import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PortError, invalidRequest, notFound } from '../errors.ts';
import { invoke } from '../pipeline.ts';
import { latestResyncRequest, type IntegrationDoc, type ResyncRequest } from '../routes/integrations.ts';
import type { Router } from '../router.ts';
import type { EmulatorState } from '../state.ts';
import { checkEntity } from './check.ts';
import type { FieldIssue, PlaygroundEvaluator, PlaygroundPreview } from './types.ts';

/**
 * The playground's server side: evaluate an edited resource with the injected mapping engine, check the
 * entities against the catalog's blueprints, and save the resource back into the integration's mapping.
 */
export const evaluateBody = z.strictObject({
  integration: z.string().min(1),
  index: z.number().int().min(0),
  resource: z.record(z.string(), z.unknown()),
  items: z.string().max(4 * 1024 * 1024),
});

export const saveBody = z.strictObject({
  integration: z.string().min(1),
  index: z.number().int().min(0),
  resource: z.record(z.string(), z.unknown()),
  /** The resource as the editor loaded it: a save over someone else's change is refused. */
  base: z.unknown(),
});

export interface EvaluateResult {
  preview: PlaygroundPreview;
  /** Per item, per entity: what this Port would say about it. */
  checks: FieldIssue[][][];
  options: { createMissingRelatedEntities: boolean; enableMergeEntity: boolean };
}

export function loadIntegration(emu: EmulatorState, id: string): IntegrationDoc {
  const doc = emu.store.integration<IntegrationDoc>(id);
  if (!doc) throw notFound(`Integration "${id}" was not found`);
  return doc;
}

const configOf = (doc: IntegrationDoc): Record<string, unknown> =>
  doc.config !== null && typeof doc.config === 'object' && !Array.isArray(doc.config) ? (doc.config as Record<string, unknown>) : {};

const resourcesOf = (config: Record<string, unknown>): unknown[] => (Array.isArray(config.resources) ? config.resources : []);

export async function evaluate(emu: EmulatorState, evaluator: PlaygroundEvaluator, body: z.infer<typeof evaluateBody>): Promise<EvaluateResult> {
  const config = configOf(loadIntegration(emu, body.integration));
  const options = {
    createMissingRelatedEntities: config.createMissingRelatedEntities !== false,
    enableMergeEntity: config.enableMergeEntity !== false,
  };
  let preview: PlaygroundPreview;
  try {
    preview = await evaluator({ resource: body.resource, index: body.index, config, items: body.items, blueprints: emu.store.blueprints() });
  } catch (error) {
    const issues = (error as { issues?: Array<{ path: string; message: string }> }).issues;
    if (Array.isArray(issues)) {
      throw new PortError(422, 'invalid_mapping', issues.map((i) => `${i.path || 'mapping'}: ${i.message}`).join('; '));
    }
    throw error;
  }
  const checks = preview.items.map((item) => item.entities.map((entity) => checkEntity(emu, entity as Record<string, unknown>, options)));
  return { preview, checks, options };
}

export interface SaveResult {
  integration: IntegrationDoc;
  request: ResyncRequest | null;
}

/** Replace (or append) `resources[index]` and PATCH the config as Port's own UI does. */
export async function save(emu: EmulatorState, router: Router, body: z.infer<typeof saveBody>): Promise<SaveResult> {
  const doc = loadIntegration(emu, body.integration);
  const config = configOf(doc);
  const resources = [...resourcesOf(config)];
  if (body.index > resources.length) throw invalidRequest(`index: the mapping has ${resources.length} resources; ${body.index} is out of range`);
  const current = body.index < resources.length ? resources[body.index] : null;
  if (JSON.stringify(current ?? null) !== JSON.stringify(body.base ?? null)) {
    throw new PortError(409, 'mapping_changed', `resources[${body.index}] changed since the editor loaded it; reload the playground to edit the current mapping`);
  }
  resources[body.index] = body.resource;
  const path = `/v1/integration/${encodeURIComponent(doc.identifier)}/config`;
  const found = router.match('PATCH', path);
  if (!found) throw new Error(`no route for PATCH ${path}`);
  const url = new URL(`http://ui.local${path}`);
  const request = new Request(url, { method: 'PATCH', headers: { 'user-agent': 'tide-local-ui' } });
  const principal = { clientId: 'local-ui', jti: 'local-ui', orgId: emu.organization().id };
  const result = await invoke(emu, found.route, found.params, url, request, { config: { ...config, resources } }, principal, undefined, randomUUID(), []);
  const integration = (result.body as { integration: IntegrationDoc }).integration;
  return { integration, request: latestResyncRequest({ emu }, doc.identifier) };
}
