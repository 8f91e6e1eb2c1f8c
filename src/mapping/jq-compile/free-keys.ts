/**
 * Which top-level keys of its input a program can read, when that is certain: every use of the input is a path
 * starting with a literal key (`.a`, `.a.b[0]`, `."x"`, `.["y"]?`), directly or through operators, conditions,
 * constructions, string interpolation and `as` bindings of such paths. Any other use of the input itself (`.`,
 * `.[]`, `keys`, `to_entries`, `..`, a builtin applied to it) means the whole input. Programs that run on jq-wasm
 * then receive only these keys, which is most of what jq-wasm's per-item cost is (parsing the item).
 */
import type { Ast } from './ast.ts';
import { parseJq } from './parser.ts';

/** Builtins that ignore their input and evaluate their arguments on it. */
const INPUT_FREE = new Set(['empty/0', 'env/0', 'first/1', 'last/1', 'limit/2', 'isempty/1', 'error/1', 'range/1', 'range/2', 'add/1']);

class Whole extends Error {}

/** Keys read at the root, or undefined when the program may read the whole input. */
export function inputKeys(program: string): string[] | undefined {
  let ast: Ast;
  try {
    ast = parseJq(program);
  } catch {
    return undefined;
  }
  const keys = new Set<string>();
  try {
    visit(ast, keys);
  } catch (e) {
    if (e instanceof Whole) return undefined;
    throw e;
  }
  return [...keys];
}

/** A literal path rooted at the input: its first key, or undefined. */
function rootKey(ast: Ast): string | null | undefined {
  if (ast.k !== 'index') return undefined;
  if (ast.target.k === 'identity') {
    const key = ast.key;
    if (key.k === 'literal' && typeof key.value === 'string') return key.value;
    if (key.k === 'string' && key.parts.every((p) => typeof p === 'string')) return (key.parts as string[]).join('');
    return undefined;
  }
  return rootKey(ast.target);
}

/** Analyse `ast` evaluated on the root input. */
function visit(ast: Ast, keys: Set<string>): void {
  switch (ast.k) {
    case 'literal':
    case 'number':
    case 'var':
      return;
    case 'index': {
      const key = rootKey(ast);
      if (key === undefined || key === null) throw new Whole();
      keys.add(key);
      // Deeper keys and optional steps do not read more of the root.
      visitIndexKeys(ast, keys);
      return;
    }
    case 'slice':
    case 'iterate':
      if (ast.target.k === 'identity') throw new Whole();
      visit(ast.target, keys);
      if (ast.k === 'slice') {
        if (ast.from) visit(ast.from, keys);
        if (ast.to) visit(ast.to, keys);
      }
      return;
    case 'string':
      for (const p of ast.parts) if (typeof p !== 'string') visit(p, keys);
      return;
    case 'pipe':
      // The right side runs on the left side's outputs, which are the root only when the left side is `.`.
      if (ast.left.k === 'identity') return visit(ast.right, keys);
      visit(ast.left, keys);
      return;
    case 'comma':
    case 'binary':
    case 'and':
    case 'or':
    case 'alt':
      visit(ast.left, keys);
      visit(ast.right, keys);
      return;
    case 'neg':
      return visit(ast.expr, keys);
    case 'if':
      visit(ast.cond, keys);
      visit(ast.then, keys);
      if (ast.else) visit(ast.else, keys);
      else throw new Whole();
      return;
    case 'try':
      visit(ast.body, keys);
      return;
    case 'array':
      if (ast.body) visit(ast.body, keys);
      return;
    case 'object':
      for (const e of ast.entries) {
        visit(e.key, keys);
        if (e.value === null) throw new Whole();
        visit(e.value, keys);
      }
      return;
    case 'as': {
      // A binding of the root itself could expose it through the variable.
      if (!isPathOrValue(ast.source)) throw new Whole();
      visit(ast.source, keys);
      visit(ast.body, keys);
      return;
    }
    case 'call':
      if (!INPUT_FREE.has(`${ast.name}/${ast.args.length}`)) throw new Whole();
      for (const a of ast.args) visit(a, keys);
      return;
    default:
      throw new Whole();
  }
}

/** Keys inside `.a[.b]` are evaluated on the root too. */
function visitIndexKeys(ast: Ast, keys: Set<string>): void {
  if (ast.k !== 'index') return;
  if (ast.target.k !== 'identity') {
    visitIndexKeys(ast.target, keys);
    const key = ast.key;
    if (!(key.k === 'literal' || key.k === 'number' || (key.k === 'string' && key.parts.every((p) => typeof p === 'string')))) visit(key, keys);
  }
}

/** A value that cannot be the root object itself. */
function isPathOrValue(ast: Ast): boolean {
  return rootKey(ast) !== undefined || ast.k === 'literal' || ast.k === 'number' || ast.k === 'var' || ast.k === 'string' || ast.k === 'binary';
}
