import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { extractCitations, loadReferences, parseReference, problem, repositoryFiles, S, type Doc, type Reference } from './citations.ts';

/**
 * Every section citation in the repository names, in today's wording, a section that exists in
 * docs/behaviour.md or docs/port-api.md, read by the convention in docs/README.md (citations.ts reads them).
 * The section sign is written as an escape throughout this file, so the file's own samples are not citations.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

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
    expect(read('src/a.ts', `(docs/behaviour.md ${S}4.9 step 7, docs/port-api.md ${S}9.4)`)).toEqual([
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
    expect(read('src/a.ts', `(${S}15.14)`)[0][4]).toBe(`a bare ${S} here means docs/behaviour.md: write docs/port-api.md ${S}15.14`);
    expect(read('src/a.ts', `RFC 9110 ${S}9.2.2, RFC 6749 ${S}4.4`)).toEqual([]);
  });

  it('refuses the references\' old names, naming the wording to use', () => {
    expect(read('src/a.ts', `(OCEAN-BEHAVIOUR ${S}4.9 step 7, PORT-API.md ${S}9.4)`).map((r) => r[4])).toEqual([
      `the old name of the reference: write docs/behaviour.md ${S}4.9`,
      `the old name of the reference: write docs/port-api.md ${S}9.4`,
    ]);
  });

  it('names what is missing', () => {
    expect(read('src/a.ts', `${S}4.3 steps 2–3 and ${S}4.99, Port API ${S}9.7–${S}9.8`).map((r) => r[4])).toEqual([
      `docs/behaviour.md ${S}4.3 has no numbered item 3`,
      `docs/behaviour.md has no section ${S}4.99`,
      `docs/port-api.md has no section ${S}9.8`,
    ]);
  });
});
