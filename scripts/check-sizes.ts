/**
 * Size limits of the code base: no TypeScript file over 500 lines, and no function over 80 lines in
 * the resync engine's code (src/sync/, tests aside: a `describe` block is one long callback). Prints
 * every violation and exits 1 when there is one.
 *
 *   npx tsx scripts/check-sizes.ts
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const FOLDERS = ['src', 'adapters', 'integrations', 'emulator', 'bench', 'scripts'];
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;
const FUNCTION_LIMITED = 'src/sync/';

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Every function-like node with its name (or what holds it) and its line count. */
function functions(file: string, text: string): Array<{ name: string; line: number; lines: number }> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Array<{ name: string; line: number; lines: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = (node as { name?: ts.Node }).name ?? (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name : undefined);
      out.push({ name: named ? named.getText(source) : '(anonymous)', line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const problems: string[] = [];
for (const folder of FOLDERS) {
  for (const path of tsFiles(join(ROOT, folder))) {
    const file = relative(ROOT, path).split('\\').join('/');
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES) problems.push(`${file}: ${lines} lines (at most ${MAX_FILE_LINES})`);
    if (!file.startsWith(FUNCTION_LIMITED) || file.endsWith('.test.ts')) continue;
    for (const f of functions(file, text)) {
      if (f.lines > MAX_FUNCTION_LINES) problems.push(`${file}:${f.line}: function ${f.name} has ${f.lines} lines (at most ${MAX_FUNCTION_LINES} in ${FUNCTION_LIMITED})`);
    }
  }
}
for (const p of problems) console.log(p);
console.log(problems.length === 0 ? 'sizes ok' : `${problems.length} size limit(s) exceeded`);
process.exitCode = problems.length === 0 ? 0 : 1;
