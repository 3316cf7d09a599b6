// Name resolution and type checking: MYCC001 undefined names, MYCC002 type mismatches,
// MYCC004 wrong argument counts, and (1.5.0+) MYCC101 unused bindings.
import type { Expr, Program } from './ast.js';
import { SIGNATURES, type Type } from './builtins.js';
import { Codes, type DiagnosticSink, type Span } from './diagnostics.js';
import type { Features } from './version.js';

// `unknown` marks an expression already reported, so one mistake yields one diagnostic.
type Checked = Type | 'unknown';

interface Binding {
  name: string;
  type: Checked;
  nameSpan: Span;
  used: boolean;
}

/** Checks a parsed program statement by statement; a name is visible after its `let`. */
export function check(program: Program, sink: DiagnosticSink, features: Features): void {
  const scope = new Map<string, Binding>();
  const all: Binding[] = [];
  const typeOf = (expr: Expr): Checked => exprType(expr, scope, sink);
  for (const statement of program.statements) {
    if (statement.kind === 'expr') {
      typeOf(statement.expr);
      continue;
    }
    let type = typeOf(statement.init);
    if (type === 'void') {
      sink.error(
        Codes.TypeMismatch,
        statement.init,
        `'${statement.name}' cannot be bound to a call that produces no value`,
      );
      type = 'unknown';
    }
    const binding = { name: statement.name, type, nameSpan: statement.nameSpan, used: false };
    scope.set(statement.name, binding);
    all.push(binding);
  }
  if (!features.unusedWarnings) return;
  for (const binding of all) {
    if (!binding.used && !binding.name.startsWith('_')) {
      sink.warning(
        Codes.Unused,
        binding.nameSpan,
        `'${binding.name}' is never used (prefix it with '_' if that is intended)`,
      );
    }
  }
}

function exprType(expr: Expr, scope: Map<string, Binding>, sink: DiagnosticSink): Checked {
  const typeOf = (inner: Expr): Checked => exprType(inner, scope, sink);
  // A value used as an operand or argument: `void` there is a mistake of its own.
  const operandType = (inner: Expr): Checked => {
    const type = typeOf(inner);
    if (type !== 'void') return type;
    sink.error(Codes.TypeMismatch, inner, 'this call produces no value');
    return 'unknown';
  };
  switch (expr.kind) {
    case 'number':
    case 'string':
      return expr.kind;
    case 'template':
      for (const part of expr.parts) if (typeof part !== 'string') operandType(part);
      return 'string';
    case 'name': {
      const binding = scope.get(expr.name);
      if (!binding) {
        sink.error(Codes.UndefinedName, expr, `undefined name '${expr.name}'`);
        return 'unknown';
      }
      binding.used = true;
      return binding.type;
    }
    case 'negate':
      return expect(operandType(expr.operand), 'number', expr.operand, sink, "operand of '-'");
    case 'binary': {
      const left = operandType(expr.left);
      const right = operandType(expr.right);
      if (left === 'unknown' || right === 'unknown') return 'unknown';
      if (expr.op === '+' && left === right) return left;
      if (expr.op !== '+' && left === 'number' && right === 'number') return 'number';
      const allowed = expr.op === '+' ? 'two numbers or two strings' : 'numbers';
      sink.error(
        Codes.TypeMismatch,
        expr,
        `'${expr.op}' needs ${allowed}, not ${left} and ${right}`,
      );
      return 'unknown';
    }
    case 'call':
      return callType(expr, operandType, sink);
  }
}

function callType(
  call: Extract<Expr, { kind: 'call' }>,
  operandType: (inner: Expr) => Checked,
  sink: DiagnosticSink,
): Checked {
  const types = call.args.map(operandType);
  const builtin = SIGNATURES[call.callee];
  if (!builtin) {
    sink.error(
      Codes.UndefinedName,
      call.calleeSpan,
      `undefined function '${call.callee}' (builtins: ${Object.keys(SIGNATURES).join(', ')})`,
    );
    return 'unknown';
  }
  const { params } = builtin;
  if (params === 'any' ? types.length === 0 : types.length !== params.length) {
    const wanted =
      params === 'any'
        ? 'at least 1 argument'
        : `${params.length} argument${params.length === 1 ? '' : 's'}`;
    sink.error(Codes.Arity, call, `'${call.callee}' takes ${wanted}, got ${types.length}`);
    return builtin.result;
  }
  if (params !== 'any') {
    params.forEach((param, i) => {
      expect(types[i]!, param, call.args[i]!, sink, `argument ${i + 1} of '${call.callee}'`);
    });
  }
  return builtin.result;
}

function expect(
  actual: Checked,
  wanted: Type,
  span: Span,
  sink: DiagnosticSink,
  what: string,
): Checked {
  if (actual === 'unknown' || actual === wanted) return wanted;
  sink.error(Codes.TypeMismatch, span, `${what} must be a ${wanted}, not a ${actual}`);
  return wanted;
}
