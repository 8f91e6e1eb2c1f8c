/**
 * How section citations are read (docs/README.md): every `\u00a7` in the repository names a section of
 * docs/behaviour.md or docs/port-api.md. Used by citations.test.ts. The section sign is written as an escape
 * throughout this file, so the file's own samples are not citations.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const S = '\u00a7';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export type Doc = 'behaviour' | 'port-api';
export const DOC_FILES: Record<Doc, string> = { behaviour: 'docs/behaviour.md', 'port-api': 'docs/port-api.md' };

export interface Citation {
  file: string;
  line: number;
  text: string;
  doc: Doc;
  /** Section numbers named, both ends of a range included. */
  sections: string[];
  /** `step N` / `rule N`: items of the section's numbered list. */
  items: number[];
  /** `b–d`: the `(b)` … `(d)` markers of the section. */
  letters: string[];
  /** Conformance points (behaviour §10). */
  points: number[];
  /** A bare citation whose section exists only in the other document: it must name that document. */
  crossed: boolean;
  /** Named by the references' old names (`OCEAN-BEHAVIOUR`, `PORT-API`) instead of the files in docs/. */
  legacy: boolean;
  /** Where the citation starts on its line (0-based). */
  column: number;
}

const NUMS = String.raw`\d+(?:\s?[–-]\s?\d+)?(?:(?:\s?,\s?|\s+and\s+)\d+(?:\s?[–-]\s?\d+)?)*`;
const SECTION_RE = new RegExp(
  String.raw`(?<prefix>(?:docs/)?(?:OCEAN-BEHAVIOUR|PORT-API|[Bb]ehaviour|port-api)(?:\.md)?|Port API|RFC\s?\d+)?\s?` +
    `${S}${S}?\\s?(?<from>\\d+(?:\\.\\d+)*)(?:\\s?[–-]\\s?${S}?(?<to>\\d+(?:\\.\\d+)*))?` +
    String.raw`(?:\s(?:steps?|rules?)\s(?<items>${NUMS})|\s(?<letters>[a-z][–-][a-z]|[a-z](?=[),;])))?`,
  'gu',
);
const POINTS_RE = new RegExp(String.raw`conformance(?:\s+points?)?\s+(?<points>${NUMS})`, 'giu');

/** `2–4 and 6` → [2, 3, 4, 6]. */
export function numberList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(/\s?,\s?|\s+and\s+/)) {
    const [a, b] = part.split(/\s?[–-]\s?/).map(Number);
    for (let n = a; n <= (b ?? a); n++) out.push(n);
  }
  return out;
}

function letterRange(text: string): string[] {
  const [a, b] = text.split(/[–-]/);
  const out: string[] = [];
  for (let c = a.charCodeAt(0); c <= (b ?? a).charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
}

function namedDoc(prefix: string): Doc | 'external' {
  if (prefix.startsWith('RFC')) return 'external';
  return /PORT-API|Port API|port-api/.test(prefix) ? 'port-api' : 'behaviour';
}

/** The document a bare citation reads by default: the emulator serves the Port API; a doc cites itself. */
export function defaultDoc(file: string): Doc {
  return file.startsWith('emulator/') || file === DOC_FILES['port-api'] ? 'port-api' : 'behaviour';
}

interface Section {
  items: Set<number>;
  body: string;
}
export type Reference = Map<string, Section>;

/** Numbered headings (`## 4. Resync lifecycle`, `### 4.9 Reconciliation`) with their numbered list items. */
export function parseReference(markdown: string): Reference {
  const sections: Reference = new Map();
  let current: Section | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (heading) sections.set(heading[1], (current = { items: new Set(), body: '' }));
    else if (/^#{1,6}\s/.test(line)) current = undefined;
    else if (current) {
      current.body += `${line}\n`;
      const item = /^(\d+)\.\s/.exec(line);
      if (item) current.items.add(Number(item[1]));
    }
  }
  return sections;
}

/** The citations on one file's lines. A bare citation continues the document named earlier on its line. */
export function extractCitations(file: string, source: string, refs: Record<Doc, Reference>): Citation[] {
  const out: Citation[] = [];
  source.split('\n').forEach((lineText, i) => {
    let lineDoc: Doc | 'external' | undefined;
    for (const m of lineText.matchAll(SECTION_RE)) {
      const g = m.groups!;
      const named = g.prefix ? namedDoc(g.prefix) : undefined;
      const doc = named ?? lineDoc;
      lineDoc = doc;
      if (doc === 'external') continue;
      const sections = g.to ? [g.from, g.to] : [g.from];
      let target = doc ?? defaultDoc(file);
      let crossed = false;
      if (!doc) {
        const other: Doc = target === 'behaviour' ? 'port-api' : 'behaviour';
        if (!sections.every((s) => refs[target].has(s)) && sections.every((s) => refs[other].has(s))) {
          target = other;
          crossed = true;
        }
      }
      out.push({
        file,
        line: i + 1,
        text: m[0].trim(),
        doc: target,
        sections,
        items: g.items ? numberList(g.items) : [],
        letters: g.letters ? letterRange(g.letters) : [],
        points: [],
        crossed,
        legacy: /OCEAN-BEHAVIOUR|PORT-API/.test(g.prefix ?? ''),
        column: m.index,
      });
    }
    for (const m of lineText.matchAll(POINTS_RE)) {
      const points = numberList(m.groups!.points);
      out.push({ file, line: i + 1, text: m[0], doc: 'behaviour', sections: ['10'], items: points, letters: [], points, crossed: false, legacy: false, column: m.index });
    }
  });
  return out;
}

/** What is wrong with a citation, or `undefined` when it names, in today's wording, a target that exists. */
export function problem(c: Citation, refs: Record<Doc, Reference>): string | undefined {
  const named = `${DOC_FILES[c.doc]} ${S}${c.sections[0]}`;
  if (c.legacy) return `the old name of the reference: write ${named}`;
  if (c.crossed) return `a bare ${S} here means ${DOC_FILES[defaultDoc(c.file)]}: write ${named}`;
  const ref = refs[c.doc];
  const missing = c.sections.filter((s) => !ref.has(s));
  if (missing.length) return `${DOC_FILES[c.doc]} has no section ${missing.map((s) => S + s).join(', ')}`;
  const section = ref.get(c.sections[0])!;
  const what = c.points.length ? 'conformance point' : 'numbered item';
  const noItem = c.items.filter((n) => !section.items.has(n));
  if (noItem.length) return `${DOC_FILES[c.doc]} ${S}${c.sections[0]} has no ${what} ${noItem.join(', ')}`;
  const noLetter = c.letters.filter((l) => !section.body.includes(`(${l})`));
  if (noLetter.length) return `${DOC_FILES[c.doc]} ${S}${c.sections[0]} has no (${noLetter.join('), (')})`;
  return undefined;
}

const TEXT_FILE = /\.(?:[cm]?[jt]sx?|md|ya?ml|json|toml|sh|html|css|txt)$/;

/** Tracked and new (not ignored) text files, relative to the repository root. */
export function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return [...new Set(listed.split('\n'))].filter(
    (f) => f && TEXT_FILE.test(f) && !f.split('/').includes('node_modules') && existsSync(join(ROOT, f)),
  );
}

export function loadReferences(): Record<Doc, Reference> {
  return {
    behaviour: parseReference(readFileSync(join(ROOT, DOC_FILES.behaviour), 'utf8')),
    'port-api': parseReference(readFileSync(join(ROOT, DOC_FILES['port-api']), 'utf8')),
  };
}

