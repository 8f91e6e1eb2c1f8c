/**
 * Incremental-sync cursors in Port (docs/port-api.md §11.8), Ocean's store: one per `(integration, kind,
 * index)`, read with GET, written with PUT and, when Port has none yet (exactly 404), created with POST.
 * GET and PUT retry like other idempotent calls; POST is sent once.
 */
import { PortApiError } from './errors.ts';
import type { PortTransport } from './client.ts';
import type { CallContext } from './types.ts';

/** A cursor as Port returns it; `primary` is the instant as it was sent (Ocean writes `+00:00` and microseconds). */
export interface PortCursor {
  kind?: string;
  index?: number;
  primary?: string;
  updatedAt?: string;
  [key: string]: unknown;
}

export function cursorApi(transport: PortTransport) {
  const request = (method: 'GET' | 'PUT' | 'POST', identifier: string, kind: string, index: number, options: CallContext, primary?: string) => ({
    method,
    route: '/integration/{id}/cursor',
    params: { id: identifier },
    // A query value, so kinds with `/` need no path encoding.
    query: { kind, index },
    body: primary === undefined ? undefined : { primary },
    context: options,
  });

  /** The stored cursor, or `undefined` when Port has none (`cursor` missing, `null`, or without `primary`). */
  async function getCursor(identifier: string, kind: string, index: number, options: CallContext = {}): Promise<PortCursor | undefined> {
    const body = await transport.json<{ cursor?: PortCursor | null }>(request('GET', identifier, kind, index, options));
    const cursor = body?.cursor;
    return cursor && typeof cursor === 'object' && typeof cursor.primary === 'string' ? cursor : undefined;
  }

  /** Store `primary` (ISO 8601): PUT, then POST when the PUT answers 404 (no cursor yet). Any other error throws. */
  async function putCursor(identifier: string, kind: string, index: number, primary: string, options: CallContext = {}): Promise<void> {
    try {
      await transport.json(request('PUT', identifier, kind, index, options, primary));
    } catch (error) {
      if (!(error instanceof PortApiError && error.status === 404)) throw error;
      await transport.json(request('POST', identifier, kind, index, options, primary));
    }
  }

  return { getCursor, putCursor };
}
