import { z } from 'zod';
import { conflict, invalidRequest, notFound } from '../errors.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';

/**
 * Incremental-sync cursors (docs/port-api.md §11.8): one per `(integration, kind, index)`, read with GET,
 * written with PUT (404 when none exists yet) and created with POST (409 when one does).
 */
const body = z.strictObject({ primary: z.iso.datetime({ offset: true }) });

function key(ctx: HandlerContext): { integrationId: string; kind: string; index: number } {
  const integrationId = ctx.params.id;
  if (!ctx.emu.store.integration(integrationId)) throw notFound(`Integration "${integrationId}" was not found`);
  const kind = ctx.query.get('kind');
  const index = ctx.query.get('index');
  if (kind === null || kind === '') throw invalidRequest('query.kind: required, a non-empty string');
  if (index === null || !/^\d+$/.test(index)) throw invalidRequest(`query.index: required, an integer >= 0${index === null ? '' : `, got "${index}"`}`);
  return { integrationId, kind, index: Number(index) };
}

const where = (k: ReturnType<typeof key>) => `kind "${k.kind}", index ${k.index} of integration "${k.integrationId}"`;

/** PUT updates a cursor (404 when none exists, so Ocean falls back to POST); POST creates one (409 when it exists). */
function writeRoute(method: 'PUT' | 'POST'): Route {
  return {
    method,
    path: '/v1/integration/:id/cursor',
    id: method === 'PUT' ? 'cursor.put' : 'cursor.create',
    body,
    handler: (ctx) => {
      const k = key(ctx);
      const exists = ctx.emu.runs.cursor(k.integrationId, k.kind, k.index) !== undefined;
      if (method === 'PUT' && !exists) throw notFound(`No cursor for ${where(k)}; create it with POST`);
      if (method === 'POST' && exists) throw conflict(`A cursor already exists for ${where(k)}; update it with PUT`);
      const cursor = { kind: k.kind, index: k.index, primary: (ctx.body as { primary: string }).primary, updatedAt: ctx.emu.clock.stamp() };
      ctx.emu.runs.putCursor(k.integrationId, cursor);
      return ok({ cursor }, method === 'POST' ? 201 : 200);
    },
  };
}

export const cursorRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/integration/:id/cursor',
    id: 'cursor.get',
    handler: (ctx) => {
      const k = key(ctx);
      return ok({ cursor: ctx.emu.runs.cursor(k.integrationId, k.kind, k.index) ?? null });
    },
  },
  writeRoute('PUT'),
  writeRoute('POST'),
];
