import { renderJson } from './json-tree.ts';
import { prepareRows } from './table-keys.ts';
import { el, getJson } from './dom.ts';

/**
 * The request log, live: polls `/_ui/api/requests?since=` and prepends new entries. Filters apply to the
 * entries held here (the newest {@link KEEP}); a row opens the full entry with both bodies.
 */
interface Summary {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  durationMs: number;
  userAgent: string | null;
  bodyBytes: number;
  fault: string | null;
  /** A post to an ingest URL (logs, sync metrics), not a Port API call. */
  ingest: boolean;
}

const KEEP = 2000;
const POLL_MS = 1500;

export function startRequests(): void {
  const table = document.querySelector<HTMLTableElement>('#rq-table')!;
  const tbody = table.tBodies[0];
  const summary = document.querySelector<HTMLElement>('#rq-summary')!;
  const f = {
    method: document.querySelector<HTMLSelectElement>('#rq-method')!,
    path: document.querySelector<HTMLInputElement>('#rq-path')!,
    status: document.querySelector<HTMLSelectElement>('#rq-status')!,
    agent: document.querySelector<HTMLInputElement>('#rq-agent')!,
    live: document.querySelector<HTMLInputElement>('#rq-live')!,
  };
  document.querySelector('#rq-filters')!.addEventListener('submit', (e) => e.preventDefault());
  let entries: Summary[] = [];
  let since = 0;
  let selected: number | undefined;

  const matches = (e: Summary) =>
    (!f.method.value || e.method === f.method.value) &&
    (!f.path.value || e.path.includes(f.path.value)) &&
    (!f.status.value || String(e.status).startsWith(f.status.value)) &&
    (!f.agent.value || (e.userAgent ?? '').includes(f.agent.value));

  const render = () => {
    const shown = entries.filter(matches);
    const focusedSeq = (document.activeElement as HTMLElement | null)?.dataset?.seq;
    tbody.replaceChildren(
      ...shown.slice(0, 500).map((e) => {
        const query = Object.keys(e.query).length ? `?${new URLSearchParams(Object.entries(e.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString()}` : '';
        const row = el('tr', { 'data-seq': String(e.seq), class: e.seq === selected ? 'selected' : '' }, [
          el('td', {}, [String(e.seq)]),
          el('td', {}, [e.at.slice(11, 23)]),
          el('td', {}, [e.method]),
          el('td', { class: 'path' }, [e.ingest ? el('span', { class: 'tag' }, ['ingest']) : '', e.path, el('span', { class: 'muted' }, [query.length > 120 ? `${query.slice(0, 119)}…` : query])]),
          el('td', {}, [el('span', { class: `status ${e.status >= 500 || e.status === 0 ? 'status-bad' : e.status >= 400 ? 'status-warn' : 'status-ok'}` }, [e.status === 0 ? 'dropped' : String(e.status)]), e.fault ? ` fault: ${e.fault}` : '']),
          el('td', { class: 'num' }, [e.durationMs.toFixed(1)]),
          el('td', { class: 'agent' }, [e.userAgent ?? '']),
        ]);
        row.addEventListener('click', () => void open(e.seq));
        return row;
      }),
    );
    prepareRows(table);
    if (focusedSeq) tbody.querySelector<HTMLElement>(`tr[data-seq="${focusedSeq}"]`)?.focus();
    summary.textContent =
      entries.length === 0
        ? 'No requests yet: run an integration against this Port and they appear here.'
        : `${shown.length} of ${entries.length} requests shown${entries.length >= KEEP ? ` (the newest ${KEEP})` : ''}`;
  };

  const open = async (seq: number) => {
    selected = seq;
    const section = document.querySelector<HTMLElement>('#rq-detail')!;
    const body = document.querySelector<HTMLElement>('#rq-detail-body')!;
    section.hidden = false;
    const { request } = await getJson<{ request: Record<string, unknown> & { body: unknown; response: unknown } }>(`/_ui/api/requests/${seq}`);
    const { body: reqBody, response, ...meta } = request;
    const treeOf = (value: unknown, label: string) => {
      const div = el('div', { class: 'json-tree', 'aria-label': label });
      renderJson(div, value, 2);
      return div;
    };
    document.querySelector('#rq-detail-heading')!.textContent = `Request #${seq}: ${String(meta.method)} ${String(meta.path)} → ${String(meta.status)}`;
    body.replaceChildren(
      el('h3', {}, ['Request body']),
      treeOf(reqBody, 'Request body'),
      el('h3', {}, ['Response body']),
      treeOf(response, 'Response body'),
      el('h3', {}, ['Details']),
      treeOf(meta, 'Request details'),
    );
    render();
  };
  tbody.addEventListener('row-activate', (e) => {
    const seq = Number((e.target as HTMLElement).dataset.seq);
    if (Number.isInteger(seq)) void open(seq);
  });

  const poll = async () => {
    try {
      const { requests } = await getJson<{ requests: Summary[] }>(`/_ui/api/requests?since=${since}`);
      if (requests.length) {
        since = requests[requests.length - 1].seq;
        entries = [...requests.reverse(), ...entries].slice(0, KEEP);
        render();
      } else if (entries.length === 0) {
        render();
      }
      summary.dataset.loaded = '1';
    } catch (error) {
      summary.textContent = `Could not read the log: ${(error as Error).message}`;
    }
  };
  for (const input of [f.method, f.status]) input.addEventListener('change', render);
  for (const input of [f.path, f.agent]) input.addEventListener('input', render);
  void poll();
  setInterval(() => {
    if (f.live.checked) void poll();
  }, POLL_MS);
}
