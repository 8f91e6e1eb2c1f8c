/**
 * Where incremental cursors live (docs/behaviour.md §4.12): one UTC instant per `(kind, index)`, in Tide's
 * StateStore (`state`, the default) or in Port's cursor routes (`port`, Ocean's store, so cursors carry over
 * from an Ocean deployment). A cursor that cannot be read as an instant is an error, never "no cursor": that
 * would move the window forward past changes nobody fetched.
 */
import type { CallContext, PortCursor } from '../port/index.ts';
import type { StateStore } from '../state/index.ts';

/** One resource's cursor, read and written by the incremental run. */
export interface IncrementalCursorStore {
  /** `undefined` when the resource never completed an incremental run. */
  read(kind: string, index: number): Promise<Date | undefined>;
  write(kind: string, index: number, at: Date, runId: string): Promise<void>;
}

/** The value kept in the StateStore. */
export interface StoredCursor {
  /** The cursor (ISO). */
  at: string;
  /** When it was written (ISO). */
  savedAt: string;
  /** The incremental run that wrote it. */
  runId: string;
}

/** `incremental/{identifier}/{kind}/{index}`, each segment percent-encoded (kinds may hold `/`). */
export function cursorKey(identifier: string, kind: string, index: number): string {
  return ['incremental', identifier, kind, String(index)].map(encodeURIComponent).join('/');
}

function instant(text: unknown, where: string): Date {
  const at = typeof text === 'string' ? new Date(text) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new Error(`the stored cursor of ${where} is not an instant: ${JSON.stringify(text)}`);
  return at;
}

/** Cursors in the integration's StateStore, as `{at, savedAt, runId}`. */
export function createStateCursorStore(state: StateStore, identifier: string, now: () => number = Date.now): IncrementalCursorStore {
  return {
    async read(kind, index) {
      const key = cursorKey(identifier, kind, index);
      const stored = await state.get<StoredCursor>(key);
      return stored === undefined ? undefined : instant(stored?.at, `state "${key}"`);
    },
    async write(kind, index, at, runId) {
      await state.set<StoredCursor>(cursorKey(identifier, kind, index), { at: at.toISOString(), savedAt: new Date(now()).toISOString(), runId });
    },
  };
}

/** The Port calls the `port` store makes (the Port client has them). */
export interface CursorPort {
  getCursor(identifier: string, kind: string, index: number, options?: CallContext): Promise<PortCursor | undefined>;
  putCursor(identifier: string, kind: string, index: number, primary: string, options?: CallContext): Promise<void>;
}

/** Cursors in Port (docs/port-api.md §11.8), with Ocean's body `{"primary": <ISO>}`. */
export function createPortCursorStore(port: CursorPort, identifier: string, context: CallContext = {}): IncrementalCursorStore {
  return {
    async read(kind, index) {
      const cursor = await port.getCursor(identifier, kind, index, context);
      return cursor === undefined ? undefined : instant(cursor.primary, `kind "${kind}", index ${index} in Port`);
    },
    async write(kind, index, at) {
      await port.putCursor(identifier, kind, index, at.toISOString(), context);
    },
  };
}
