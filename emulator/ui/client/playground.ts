import type { Diagnostic } from '@codemirror/lint';
import { isMap, isNode, parseDocument, stringify, type Document } from 'yaml';
import type { FieldIssue, PlaygroundItem, PlaygroundPreview } from '../types.ts';
import { ApiError, el, getJson, postJson } from './dom.ts';
import { createYamlEditor } from './editor.ts';
import { renderResults, type Finding } from './results.ts';

/**
 * The mapping playground: pick an integration's resource, edit its YAML, and see per item what a resync
 * would do, evaluated by the server with the same engine a resync uses. Save writes the resource back into
 * the integration's mapping (PATCH of its config, as Port's UI does).
 */
interface IntegrationData {
  integration: { identifier: string; config: { resources?: Array<Record<string, unknown>> } & Record<string, unknown>; resyncState: Record<string, unknown> | null };
  examples: Record<string, unknown[]>;
  blueprints: string[];
}

interface EvaluateResponse {
  preview: PlaygroundPreview;
  checks: FieldIssue[][][];
}

const DEBOUNCE_MS = 300;

const template = (kind: string) =>
  stringify({ kind, selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"BLUEPRINT"', properties: {} } } } });

export function startPlayground(): void {
  const root = document.querySelector<HTMLElement>('#playground');
  if (!root) return;
  const $ = <T extends HTMLElement>(id: string) => document.querySelector<T>(id)!;
  const integrationSelect = $<HTMLSelectElement>('#pg-integration');
  const resourceSelect = $<HTMLSelectElement>('#pg-resource');
  const itemsArea = $<HTMLTextAreaElement>('#pg-items');
  const itemsStatus = $('#pg-items-status');
  const status = $('#pg-status');
  const results = $('#pg-results');
  const saveStatus = $('#pg-save-status');
  const sourceRadios = [...document.querySelectorAll<HTMLInputElement>('input[name="pg-source"]')];

  let data: IntegrationData | undefined;
  let index = 0;
  let base: unknown = null;
  let doc: Document | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  const editor = createYamlEditor($('#pg-editor'), () => schedule());
  const resources = () => data?.integration.config.resources ?? [];
  const kindOf = () => {
    const k = (doc?.toJS() as { kind?: unknown } | undefined)?.kind;
    return typeof k === 'string' ? k : ((resources()[index]?.kind as string | undefined) ?? '');
  };
  const source = () => sourceRadios.find((r) => r.checked)?.value ?? 'examples';
  const setSource = (value: string) => sourceRadios.forEach((r) => (r.checked = r.value === value));

  function fillExamples(): void {
    const examples = data?.examples[kindOf()];
    if (examples && examples.length) {
      itemsArea.value = JSON.stringify(examples, null, 2);
      itemsStatus.textContent = `${examples.length} stored examples of ${kindOf()} (the raw items the last resync sent, secrets masked).`;
    } else {
      itemsStatus.textContent = `No stored examples of "${kindOf()}" yet: paste or upload raw items.`;
      setSource('paste');
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), DEBOUNCE_MS);
    status.textContent = 'Evaluating…';
  }

  async function loadIntegration(id: string, wanted?: number): Promise<void> {
    data = await getJson<IntegrationData>(`/_ui/api/integration?id=${encodeURIComponent(id)}`);
    const list = resources();
    resourceSelect.replaceChildren(
      ...list.map((r, i) => el('option', { value: String(i) }, [`${String(r.kind)} (resources[${i}])`])),
      el('option', { value: String(list.length) }, [`new resource (resources[${list.length}])`]),
    );
    index = wanted !== undefined && wanted <= list.length ? wanted : 0;
    resourceSelect.value = String(index);
    loadResource();
  }

  function loadResource(): void {
    const r = resources()[index];
    base = r ?? null;
    editor.setText(r ? stringify(r, { lineWidth: 0 }) : template(Object.keys(data?.examples ?? {})[0] ?? 'KIND'));
    doc = parseDocument(editor.text());
    saveStatus.textContent = '';
    if (source() === 'examples') fillExamples();
    schedule();
  }

  async function run(): Promise<void> {
    const mine = ++generation;
    doc = parseDocument(editor.text(), { prettyErrors: true });
    if (doc.errors.length) {
      editor.mark(doc.errors.map((e) => ({ from: e.pos[0], to: e.pos[1], severity: 'error', message: e.message })));
      status.textContent = `The YAML does not parse: ${doc.errors[0].message.split('\n')[0]}`;
      return;
    }
    const resource = doc.toJS() as unknown;
    if (!resource || typeof resource !== 'object' || Array.isArray(resource)) {
      editor.mark([]);
      status.textContent = 'The resource must be a YAML mapping with kind, selector and port.';
      return;
    }
    try {
      const res = await postJson<EvaluateResponse>('/_ui/api/evaluate', { integration: data!.integration.identifier, index, resource, items: itemsArea.value });
      if (mine !== generation) return;
      const findings = renderResults(results, res.preview, res.checks);
      editor.mark(diagnosticsFor(doc, findings));
      const entities = res.preview.items.reduce((n, i) => n + i.entities.length, 0);
      const errors = findings.filter((f) => f.level === 'error').length;
      const omitted = res.preview.omitted ? ` (the first ${res.preview.items.length} of ${res.preview.items.length + res.preview.omitted} items are shown)` : '';
      status.textContent = `${res.preview.items.length} items → ${entities} entities · ${res.preview.selectorErrors.length} selector errors · ${errors} problems flagged${omitted}`;
    } catch (error) {
      if (mine !== generation) return;
      editor.mark([]);
      results.replaceChildren();
      status.textContent = error instanceof ApiError ? error.message : `Evaluation failed: ${(error as Error).message}`;
    }
  }

  async function saveResource(): Promise<void> {
    if (!doc || doc.errors.length) {
      saveStatus.textContent = 'Fix the YAML first.';
      return;
    }
    saveStatus.textContent = 'Saving…';
    const appended = index >= resources().length;
    try {
      const res = await postJson<{ integration: IntegrationData['integration']; request: { id: string; reason: string; createdAt: string } | null }>('/_ui/api/save', {
        integration: data!.integration.identifier,
        index,
        resource: doc.toJS(),
        base,
      });
      data!.integration = res.integration;
      // A new resource gets its own entry in the resource list.
      if (appended) await loadIntegration(data!.integration.identifier, index);
      base = resources()[index] ?? null;
      const next = (res.integration.resyncState?.nextResync as string | null | undefined) ?? null;
      saveStatus.replaceChildren(
        el('strong', {}, [`Saved resources[${index}] at ${new Date().toISOString().slice(11, 19)} UTC.`]),
        ` The next resync uses it: resync request ${res.request?.id ?? '?'} (${res.request?.reason ?? 'config_changed'}) is waiting. A Tide polling this Port (the POLLING listener) starts that resync at its next poll; \`tide sail --once\` uses the new mapping on its next run. ${next ? `Next scheduled resync: ${next}.` : 'No resync is scheduled.'}`,
      );
      saveStatus.dataset.saved = '1';
    } catch (error) {
      saveStatus.textContent = `Not saved: ${(error as Error).message}`;
    }
  }

  integrationSelect.addEventListener('change', () => void loadIntegration(integrationSelect.value));
  resourceSelect.addEventListener('change', () => {
    index = Number(resourceSelect.value);
    loadResource();
  });
  sourceRadios.forEach((r) =>
    r.addEventListener('change', () => {
      if (source() === 'examples') fillExamples();
      schedule();
    }),
  );
  itemsArea.addEventListener('input', () => {
    setSource('paste');
    itemsStatus.textContent = 'Pasted items.';
    schedule();
  });
  $<HTMLInputElement>('#pg-file').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    itemsArea.value = await file.text();
    setSource('paste');
    itemsStatus.textContent = `Items from ${file.name}.`;
    schedule();
  });
  $('#pg-save').addEventListener('click', () => void saveResource());
  $('#pg-reset').addEventListener('click', () => loadResource());

  const wanted = root.dataset.index ? Number(root.dataset.index) : undefined;
  void loadIntegration(root.dataset.integration || integrationSelect.value, wanted).catch((error: unknown) => {
    status.textContent = `Could not load the integration: ${(error as Error).message}`;
  });
}

/** The YAML path of a mapping leaf: `properties.url` → port.entity.mappings.properties.url. */
function yamlPath(doc: Document, finding: Finding): Array<string | number> {
  if (finding.path === 'selector') return ['selector', 'query'];
  const parts = finding.path.split('.').flatMap((p) => {
    const m = /^mappings\[(\d+)\]$/.exec(p);
    return m ? [Number(m[1])] : [/^\d+$/.test(p) ? Number(p) : p];
  });
  const mappings = doc.getIn(['port', 'entity', 'mappings'], true);
  return ['port', 'entity', 'mappings', ...(isMap(mappings) && typeof parts[0] === 'number' ? parts.slice(1) : parts)];
}

function diagnosticsFor(doc: Document, findings: Finding[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const key = `${f.path}\u0000${f.message}`;
    if (seen.has(key) || f.level === 'info') continue;
    seen.add(key);
    const node = doc.getIn(yamlPath(doc, f), true);
    const range = isNode(node) ? node.range : undefined;
    if (!range) continue;
    out.push({ from: range[0], to: range[1], severity: f.level, message: `${f.path}: ${f.message}` });
  }
  return out;
}

export type { PlaygroundItem };
