import { z } from 'zod';
import { ok, type HandlerContext, type Route } from '../router.ts';
import { ackRun, claimRuns, publicRun, type RunContext } from '../runs.ts';
import type { RunKind } from '../runs-store.ts';

/** What action-run and workflow-node-run routes share: the run context of a request, and claim and ack. */
export const runContext = (ctx: HandlerContext): RunContext => ({
  emu: ctx.emu,
  traceId: ctx.traceId,
  clientId: ctx.principal?.clientId ?? null,
  runIds: ctx.runIds,
});

const reservedUsage = (ctx: HandlerContext) => ctx.request.headers.get('x-port-reserved-usage') === 'true';

/**
 * The claim and ack routes of one run kind: `POST {base}/claim-pending` (with the route's published
 * bounds on `limit` and `visibilityTimeoutMs`) and `PATCH {base}/ack`.
 */
export function claimAndAckRoutes(o: {
  kind: RunKind;
  base: string;
  idPrefix: string;
  limitMax: number;
  timeoutMin: number;
  ackField: string;
  listKey: string;
}): Route[] {
  const claimBody = z.object({
    installationId: z.string().min(1),
    limit: z.number().int().min(1).max(o.limitMax),
    visibilityTimeoutMs: z.number().int().min(o.timeoutMin).max(600_000),
    exclude: z.array(z.string()).optional(),
  });
  return [
    {
      method: 'POST',
      path: `${o.base}/claim-pending`,
      id: `${o.idPrefix}.claimPending`,
      body: claimBody,
      handler: (ctx) => {
        const runs = claimRuns(runContext(ctx), o.kind, ctx.body as z.infer<typeof claimBody>, reservedUsage(ctx));
        return ok({ [o.listKey]: runs.map((r) => publicRun(ctx.emu, r)) });
      },
    },
    {
      method: 'PATCH',
      path: `${o.base}/ack`,
      id: `${o.idPrefix}.ack`,
      body: z.object({ [o.ackField]: z.string().min(1) }),
      handler: (ctx) => {
        ackRun(runContext(ctx), o.kind, (ctx.body as Record<string, string>)[o.ackField], reservedUsage(ctx));
        return ok({});
      },
    },
  ];
}
