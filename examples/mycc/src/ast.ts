// The syntax tree of a mycc program: statements of `let` bindings and expressions.
import type { Span } from './diagnostics.js';

/** The operators of mycc's arithmetic; `+` also joins two strings. */
export type BinaryOperator = '+' | '-' | '*' | '/';

/** An expression node; each carries the source span it was parsed from. */
export type Expr = Span &
  (
    | { kind: 'number'; value: number }
    | { kind: 'string'; value: string }
    | { kind: 'template'; parts: Array<string | Expr> }
    | { kind: 'name'; name: string }
    | { kind: 'call'; callee: string; calleeSpan: Span; args: Expr[] }
    | { kind: 'negate'; operand: Expr }
    | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr }
  );

/** A statement: one per line or between `;`. */
export type Stmt = Span &
  ({ kind: 'let'; name: string; nameSpan: Span; init: Expr } | { kind: 'expr'; expr: Expr });

/** A parsed file: the statements that parsed, in order (broken ones are left out). */
export interface Program {
  statements: Stmt[];
}
