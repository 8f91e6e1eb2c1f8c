/**
 * jq 1.8's operator precedence, as binding powers for the parser (higher binds tighter), and the nodes the binary
 * operators build.
 */
import type { Ast, BinaryOp } from './ast.ts';

export const BINARY: Record<string, { bp: number; assoc: 'left' | 'right' | 'none' }> = {
  '|': { bp: 1, assoc: 'right' },
  ',': { bp: 2, assoc: 'left' },
  '//': { bp: 3, assoc: 'right' },
  '=': { bp: 4, assoc: 'none' },
  '|=': { bp: 4, assoc: 'none' },
  '+=': { bp: 4, assoc: 'none' },
  '-=': { bp: 4, assoc: 'none' },
  '*=': { bp: 4, assoc: 'none' },
  '/=': { bp: 4, assoc: 'none' },
  '%=': { bp: 4, assoc: 'none' },
  '//=': { bp: 4, assoc: 'none' },
  or: { bp: 5, assoc: 'left' },
  and: { bp: 6, assoc: 'left' },
  '==': { bp: 7, assoc: 'none' },
  '!=': { bp: 7, assoc: 'none' },
  '<': { bp: 7, assoc: 'none' },
  '<=': { bp: 7, assoc: 'none' },
  '>': { bp: 7, assoc: 'none' },
  '>=': { bp: 7, assoc: 'none' },
  '+': { bp: 8, assoc: 'left' },
  '-': { bp: 8, assoc: 'left' },
  '*': { bp: 9, assoc: 'left' },
  '/': { bp: 9, assoc: 'left' },
  '%': { bp: 9, assoc: 'left' },
};
export const POSTFIX_TRY = 10;
/**
 * `E as $x | body` binds everything tighter than `,` on its left (`1 + 2 as $x` binds 3, `1, 2 as $x` binds 2),
 * and its body extends to the end of the enclosing expression.
 */
export const AS_BINDING = 2.5;
/** Operands of unary minus: a term with its postfix `?` (jq 1.8 reads `-1 * "ab"` as `(-1) * "ab"`). */
export const NEG_OPERAND = 10;
/** Object values: everything but `,` (and the pipes handled around it). */
export const OBJECT_VALUE = 3;

/** The node of a binary operator. */
export function combine(op: string, left: Ast, right: Ast): Ast {
  switch (op) {
    case '|':
      return { k: 'pipe', left, right };
    case ',':
      return { k: 'comma', left, right };
    case '//':
      return { k: 'alt', left, right };
    case 'and':
    case 'or':
      return { k: op, left, right };
    case '=':
    case '|=':
    case '+=':
    case '-=':
    case '*=':
    case '/=':
    case '%=':
    case '//=':
      return { k: 'assign', op, left, right };
    default:
      return { k: 'binary', op: op as BinaryOp, left, right };
  }
}
