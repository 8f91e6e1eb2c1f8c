/**
 * The request log behind `GET /_emulator/requests`: what every Port call, and every post to the
 * integration's ingest URLs (`ingest: true`), looked like and how it was answered, so tests can assert
 * which resync wrote what. Bodies keep their first 64 KiB; the whole log is bounded by entry count
 * (100,000) and body characters (64 Mi), oldest dropped first, so long runs cannot exhaust memory.
 */
export interface LogEntry {
  seq: number;
  traceId: string;
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  userAgent: string | null;
  bodyBytes: number;
  body: unknown;
  status: number;
  response: unknown;
  durationMs: number;
  bucket: string | null;
  fault: string | null;
  oceanInfo: Record<string, string>;
  tokenJti: string | null;
  /** Present (true) only on posts to an ingest URL (logs, sync metrics), which are not Port API calls. */
  ingest?: true;
  /** Present only when the request claimed, acknowledged, changed or created action or workflow node runs. */
  runIds?: string[];
}

interface StoredEntry extends Omit<LogEntry, 'body' | 'response'> {
  bodyText: string | null;
  responseText: string | null;
}

const BODY_KEEP = 64 * 1024;

export class RequestLog {
  private entries: StoredEntry[] = [];
  private bytes = 0;
  private seq = 0;

  constructor(
    private readonly maxEntries = 100_000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: Omit<StoredEntry, 'bodyText' | 'responseText'> & { bodyText: string | null; responseText: string | null }): void {
    const stored: StoredEntry = {
      ...entry,
      bodyText: entry.bodyText === null ? null : entry.bodyText.slice(0, BODY_KEEP),
      responseText: entry.responseText === null ? null : entry.responseText.slice(0, BODY_KEEP),
    };
    this.entries.push(stored);
    this.bytes += (stored.bodyText?.length ?? 0) + (stored.responseText?.length ?? 0);
    while (this.entries.length > this.maxEntries || this.bytes > this.maxBytes) {
      const old = this.entries.shift()!;
      this.bytes -= (old.bodyText?.length ?? 0) + (old.responseText?.length ?? 0);
    }
  }

  query(f: { method?: string; path?: string; since?: number; limit?: number; ingest?: boolean; run?: string }): LogEntry[] {
    const limit = Math.min(f.limit ?? 1000, 100_000);
    const out: LogEntry[] = [];
    const pathRe = f.path ? globToRegExp(f.path) : undefined;
    for (const e of this.entries) {
      if (f.since !== undefined && e.seq <= f.since) continue;
      if (f.method && e.method !== f.method.toUpperCase()) continue;
      if (pathRe && !pathRe.test(e.path)) continue;
      if (f.ingest !== undefined && (e.ingest === true) !== f.ingest) continue;
      if (f.run !== undefined && !e.runIds?.includes(f.run)) continue;
      out.push(materialise(e));
      if (out.length >= limit) break;
    }
    return out;
  }

  clear(): void {
    this.entries = [];
    this.bytes = 0;
  }
}

function materialise(e: StoredEntry): LogEntry {
  const { bodyText, responseText, ...rest } = e;
  return { ...rest, body: parseMaybe(bodyText), response: parseMaybe(responseText) };
}

function parseMaybe(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // truncated or not JSON: keep the text
  }
}

/** `*` matches one path segment, `**` any number; an exact path matches itself. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('/')
    .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
    .join('/');
  return new RegExp(`^${re.replace(/\/\.\*/g, '(?:/.*)?')}$`);
}
