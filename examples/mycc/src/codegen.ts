// Lowers a checked Program to JavaScript: one `const` per binding, builtins called through `$rt`.
import type { Expr, Program } from './ast.js';

/**
 * JavaScript for an error-free program. Each `let` gets its own numbered constant, so shadowing
 * a name and names that are JavaScript keywords both come out as valid code.
 */
export function generate(program: Program): string {
  const current = new Map<string, string>();
  const counts = new Map<string, number>();
  const lines = ['"use strict";'];
  for (const statement of program.statements) {
    if (statement.kind === 'expr') {
      lines.push(`${emit(statement.expr, current)};`);
      continue;
    }
    const init = emit(statement.init, current);
    const count = (counts.get(statement.name) ?? 0) + 1;
    counts.set(statement.name, count);
    const local = `v_${statement.name}_${count}`;
    current.set(statement.name, local);
    lines.push(`const ${local} = ${init};`);
  }
  return `${lines.join('\n')}\n`;
}

function emit(expr: Expr, names: Map<string, string>): string {
  const sub = (inner: Expr) => emit(inner, names);
  switch (expr.kind) {
    case 'number':
      return String(expr.value);
    case 'string':
      return JSON.stringify(expr.value);
    case 'template':
      return `(${expr.parts.map((part) => (typeof part === 'string' ? JSON.stringify(part) : `String(${sub(part)})`)).join(' + ') || '""'})`;
    case 'name':
      return names.get(expr.name) ?? 'undefined';
    case 'negate':
      return `(-${sub(expr.operand)})`;
    case 'binary':
      return `(${sub(expr.left)} ${expr.op} ${sub(expr.right)})`;
    case 'call':
      return `$rt.${expr.callee}(${expr.args.map(sub).join(', ')})`;
  }
}
