/** The syntax tree of a jq program, as {@link parseJq} builds it. */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Ast =
  | { k: 'identity' }
  | { k: 'recurse' }
  | { k: 'literal'; value: null | boolean | string }
  | { k: 'number'; text: string }
  /** A string literal; `parts` alternate text and interpolated expressions, formatted with `format`. */
  | { k: 'string'; format: string; parts: Array<string | Ast> }
  /** `@base64` on its own: the format applied to `.`. */
  | { k: 'format'; name: string }
  | { k: 'index'; target: Ast; key: Ast; opt: boolean }
  | { k: 'slice'; target: Ast; from: Ast | null; to: Ast | null; opt: boolean }
  | { k: 'iterate'; target: Ast; opt: boolean }
  | { k: 'pipe'; left: Ast; right: Ast }
  | { k: 'comma'; left: Ast; right: Ast }
  | { k: 'neg'; expr: Ast }
  | { k: 'binary'; op: BinaryOp; left: Ast; right: Ast }
  | { k: 'and' | 'or' | 'alt'; left: Ast; right: Ast }
  | { k: 'assign'; op: string; left: Ast; right: Ast }
  | { k: 'if'; cond: Ast; then: Ast; else: Ast | null }
  | { k: 'try'; body: Ast; handler: Ast | null }
  | { k: 'reduce'; source: Ast; pattern: Pattern; init: Ast; update: Ast }
  | { k: 'foreach'; source: Ast; pattern: Pattern; init: Ast; update: Ast; extract: Ast | null }
  | { k: 'as'; source: Ast; patterns: Pattern[]; body: Ast }
  | { k: 'label'; name: string; body: Ast }
  | { k: 'break'; name: string }
  | { k: 'def'; text: string; body: Ast }
  | { k: 'call'; name: string; args: Ast[] }
  | { k: 'var'; name: string }
  | { k: 'array'; body: Ast | null }
  /** `value: null` is the `{"k"}` / `{(…)}`-free shorthand whose value is `.[key]`. */
  | { k: 'object'; entries: Array<{ key: Ast; value: Ast | null }> };

export type Pattern =
  | { p: 'var'; name: string }
  | { p: 'array'; items: Pattern[] }
  | { p: 'object'; entries: Array<{ key: Ast; bind: string | null; pattern: Pattern | null }> };
