import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Every section citation in the repository names a section that exists in docs/behaviour.md or
 * docs/port-api.md, read by the convention in docs/README.md. The section sign is written as an
 * escape throughout this file, so the file's own samples are not citations.
 */
const S = '\u00a7';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

type Doc = 'behaviour' | 'port-api';
const DOC_FILES: Record<Doc, string> = { behaviour: 'docs/behaviour.md', 'port-api': 'docs/port-api.md' };

interface Citation {
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
  /** A bare citation found only in the other document (today's legacy wording, see docs/README.md). */
  crossed: boolean;
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
      });
    }
    for (const m of lineText.matchAll(POINTS_RE)) {
      const points = numberList(m.groups!.points);
      out.push({ file, line: i + 1, text: m[0], doc: 'behaviour', sections: ['10'], items: points, letters: [], points, crossed: false });
    }
  });
  return out;
}

/** What is wrong with a citation, or `undefined` when its target exists. */
export function problem(c: Citation, refs: Record<Doc, Reference>): string | undefined {
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
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return [...new Set(listed.split('\n'))].filter(
    (f) => f && TEXT_FILE.test(f) && !f.split('/').includes('node_modules') && existsSync(join(ROOT, f)),
  );
}

function loadReferences(): Record<Doc, Reference> {
  return {
    behaviour: parseReference(readFileSync(join(ROOT, DOC_FILES.behaviour), 'utf8')),
    'port-api': parseReference(readFileSync(join(ROOT, DOC_FILES['port-api']), 'utf8')),
  };
}

describe('section citations', () => {
  let refs: Record<Doc, Reference>;
  beforeAll(() => {
    refs = loadReferences();
  });

  it('every citation in the repository names a section of docs/behaviour.md or docs/port-api.md', () => {
    const citations = repositoryFiles().flatMap((f) => extractCitations(f, readFileSync(join(ROOT, f), 'utf8'), refs));
    expect(citations.length).toBeGreaterThan(300);
    const broken = citations.flatMap((c) => {
      const why = problem(c, refs);
      return why ? [`${c.file}:${c.line}: "${c.text}": ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('both references carry the numbering the code cites', () => {
    for (const n of ['1', '2.4', '4.9', '4.12', '5.5', '7.4', '8.2', '9.3', '10', '11.5']) expect(refs.behaviour.has(n), `behaviour ${S}${n}`).toBe(true);
    expect([...refs.behaviour.get('10')!.items]).toEqual(Array.from({ length: 54 }, (_, i) => i + 1));
    expect([...refs.behaviour.get('4.9')!.items]).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    for (const n of ['1.4', '3.1', '4', '9.7', '9.11', '10.4', '11.10', '12.3', '13.6', '14', '15.14', '15.30'])
      expect(refs['port-api'].has(n), `port-api ${S}${n}`).toBe(true);
  });
});

describe('reading a citation', () => {
  const refs: Record<Doc, Reference> = {
    behaviour: parseReference(`## 4. Resync\n### 4.3 Steps\n1. a\n2. b\n### 4.4 Resource\n(a) x (b) y (c) z (d) w\n### 4.9 Rec\n1. x\n7. y\n## 10. Points\n1. p\n41. q\n`),
    'port-api': parseReference(`## 9. Entities\n### 9.4 Search identifier\n### 9.7 Bulk\n## 15. Open\n### 15.14 Unmatched\n`),
  };
  const read = (file: string, text: string) => extractCitations(file, text, refs).map((c) => [c.doc, c.sections, c.items, c.letters, problem(c, refs) ?? 'ok']);

  it('reads named documents, ranges, lists, steps, letters and conformance points', () => {
    expect(read('src/a.ts', `(OCEAN-BEHAVIOUR ${S}4.9 step 7, PORT-API.md ${S}9.4)`)).toEqual([
      ['behaviour', ['4.9'], [7], [], 'ok'],
      ['port-api', ['9.4'], [], [], 'ok'],
    ]);
    expect(read('src/a.ts', `${S}${S}4.3–4.4 and ${S}4.3/${S}4.4 b–d`)).toEqual([
      ['behaviour', ['4.3', '4.4'], [], [], 'ok'],
      ['behaviour', ['4.3'], [], [], 'ok'],
      ['behaviour', ['4.4'], [], ['b', 'c', 'd'], 'ok'],
    ]);
    expect(read('src/a.ts', `conformance points 1 and 41; conformance 42`)).toEqual([
      ['behaviour', ['10'], [1, 41], [], 'ok'],
      ['behaviour', ['10'], [42], [], `docs/behaviour.md ${S}10 has no conformance point 42`],
    ]);
  });

  it('a bare citation continues its line, defaults by folder, and skips other standards', () => {
    expect(read('src/a.ts', `(Port API ${S}9.7, ${S}15.14; behaviour ${S}4.9)`).map((r) => r[0])).toEqual(['port-api', 'port-api', 'behaviour']);
    expect(read('emulator/a.ts', `(${S}9.4)`)).toEqual([['port-api', ['9.4'], [], [], 'ok']]);
    expect(read('emulator/a.ts', `(${S}9.99)`)).toEqual([['port-api', ['9.99'], [], [], `docs/port-api.md has no section ${S}9.99`]]);
    expect(extractCitations('src/a.ts', `(${S}15.14)`, refs)[0]).toMatchObject({ doc: 'port-api', crossed: true });
    expect(read('src/a.ts', `RFC 9110 ${S}9.2.2, RFC 6749 ${S}4.4`)).toEqual([]);
  });

  it('names what is missing', () => {
    expect(read('src/a.ts', `${S}4.3 steps 2–3 and ${S}4.99, PORT-API ${S}9.7–${S}9.8`).map((r) => r[4])).toEqual([
      `docs/behaviour.md ${S}4.3 has no numbered item 3`,
      `docs/behaviour.md has no section ${S}4.99`,
      `docs/port-api.md has no section ${S}9.8`,
    ]);
  });
});
