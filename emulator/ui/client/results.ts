import type { FieldIssue, PlaygroundField, PlaygroundItem, PlaygroundPreview } from '../types.ts';
import { el } from './dom.ts';
import { renderJson } from './json-tree.ts';

/**
 * The playground's results, per item: the selector's verdict, each field's program with its value or jq
 * error and what the blueprint check says about it, then the entity exactly as a resync would send it, or
 * why none was produced. Returns every finding with the mapping leaf it belongs to, for the editor.
 */
export interface Finding {
  /** A mapping leaf path (`properties.age`, `mappings[1].identifier`) or `selector`. */
  path: string;
  level: 'error' | 'warning' | 'info';
  message: string;
}

const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));

/** The mapping index of each entity of an item: the mappings that were not dropped, in order. */
function mappingIndexes(item: PlaygroundItem, fields: PlaygroundField[]): number[] {
  const count = new Set(fields.map((f) => /^mappings\[(\d+)\]\./.exec(f.path)?.[1] ?? '0')).size;
  const dropped = new Set(item.dropped.map((d) => Number(/^mappings\[(\d+)\]/.exec(d)?.[1] ?? '-1')));
  return [...Array(count).keys()].filter((i) => !dropped.has(i));
}

function leafFor(fields: PlaygroundField[], mappingIndex: number, entityPath: string): PlaygroundField[] {
  const prefix = fields.some((f) => f.path.startsWith('mappings[')) ? `mappings[${mappingIndex}].` : '';
  const at = `${prefix}${entityPath}`;
  return fields.filter((f) => f.path === at || f.path.startsWith(`${at}.`));
}

export function renderResults(container: HTMLElement, preview: PlaygroundPreview, checks: FieldIssue[][][]): Finding[] {
  const findings: Finding[] = [];
  const nodes: HTMLElement[] = [];
  for (const s of preview.skipped) nodes.push(el('p', { class: 'error', role: 'note' }, [`item ${s.itemIndex}: ${s.message} (${s.program})`]));
  preview.items.forEach((item, i) => {
    const issuesByLeaf = new Map<string, FieldIssue[]>();
    const unplaced: FieldIssue[] = [];
    const order = mappingIndexes(item, item.fields);
    (checks[i] ?? []).forEach((issues, e) => {
      for (const issue of issues) {
        const leaves = leafFor(item.fields, order[e] ?? e, issue.path);
        if (leaves.length === 0) unplaced.push(issue);
        for (const leaf of leaves) issuesByLeaf.set(leaf.path, [...(issuesByLeaf.get(leaf.path) ?? []), issue]);
      }
    });
    nodes.push(renderItem(item, issuesByLeaf, unplaced, findings));
  });
  if (preview.items.length === 0) nodes.push(el('p', { class: 'muted' }, ['No items to map: choose stored examples, or paste or upload raw items.']));
  container.replaceChildren(...nodes);
  return findings;
}

function renderItem(item: PlaygroundItem, issuesByLeaf: Map<string, FieldIssue[]>, unplaced: FieldIssue[], findings: Finding[]): HTMLElement {
  const title = item.element ? `Item ${item.rawIndex}, element ${item.element.index}` : `Item ${item.rawIndex}`;
  const selector = item.selector.error
    ? el('p', { class: 'error', role: 'note' }, [el('span', { 'aria-hidden': 'true' }, ['✗ ']), `selector error: ${item.selector.error}`])
    : el('p', {}, [`selector: ${show(item.selector.value)} `, el('span', { class: item.selector.passed ? 'status status-ok' : 'status status-warn' }, [item.selector.passed ? '✓ passed' : '– filtered out'])]);
  if (item.selector.error) findings.push({ path: 'selector', level: 'error', message: item.selector.error });

  const rows = item.fields.map((f) => {
    const issues = issuesByLeaf.get(f.path) ?? [];
    const notes: Array<Node | string> = [];
    if (f.error !== undefined) {
      notes.push(el('span', { class: 'error', role: 'note' }, [el('span', { 'aria-hidden': 'true' }, ['✗ ']), `jq error: ${f.error}`]));
      findings.push({ path: f.path, level: 'error', message: f.error });
    }
    if (f.severity) {
      const level = f.severity === 'ERROR' ? 'error' : 'warning';
      notes.push(el('span', { class: level, role: 'note' }, [`${f.severity === 'ERROR' ? '✗' : '!'} null: ${f.severity === 'ERROR' ? 'required by the blueprint' : 'the field is left empty'}`]));
      findings.push({ path: f.path, level, message: `evaluates to null${f.severity === 'ERROR' ? ', but the blueprint requires it' : ''}` });
    }
    for (const issue of issues) {
      notes.push(el('span', { class: issue.level, role: 'note' }, [`${issue.level === 'error' ? '✗' : issue.level === 'warning' ? '!' : 'i'} ${issue.message}`]));
      findings.push({ path: f.path, level: issue.level, message: issue.message });
    }
    return el('tr', { 'data-path': f.path, class: notes.length ? 'has-notes' : '' }, [
      el('th', { scope: 'row' }, [f.path]),
      el('td', {}, [el('code', {}, [f.program])]),
      el('td', { 'data-testid': 'value' }, [f.error !== undefined ? el('span', { class: 'muted' }, ['null']) : show(f.value)]),
      el('td', { 'data-testid': 'notes' }, notes),
    ]);
  });
  const table = el('table', { class: 'grid fields-table' }, [
    el('thead', {}, [el('tr', {}, ['Field', 'Program', 'Value', 'Findings'].map((h) => el('th', { scope: 'col' }, [h])))]),
    el('tbody', {}, rows),
  ]);

  const outcome: HTMLElement[] = [];
  item.entities.forEach((entity, e) => {
    const tree = el('div', { class: 'json-tree', 'aria-label': `Entity ${e + 1} of ${title}` });
    renderJson(tree, entity, 2);
    outcome.push(el('h4', {}, [`Entity${item.entities.length > 1 ? ` ${e + 1}` : ''} (as a resync sends it)`]), tree);
  });
  for (const issue of unplaced) {
    outcome.push(el('p', { class: issue.level, role: 'note' }, [`${issue.path}: ${issue.message}`]));
    findings.push({ path: issue.path, level: issue.level, message: issue.message });
  }
  for (const d of item.dropped) outcome.push(el('p', { class: 'warning', role: 'note' }, [el('span', { 'aria-hidden': 'true' }, ['! ']), `no entity: ${d}`]));

  return el('article', { class: 'pg-item', 'data-item': String(item.rawIndex) }, [el('h3', {}, [title]), selector, table, ...outcome]);
}
