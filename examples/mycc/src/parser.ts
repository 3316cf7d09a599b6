// Recursive-descent parser: tokens to a Program, one MYCC003 per broken statement, then recovery.
import type { BinaryOperator, Expr, Program, Stmt } from './ast.js';
import { Codes, type DiagnosticSink, type Span } from './diagnostics.js';
import { type Token, tokenize } from './lexer.js';
import type { Features } from './version.js';

// Thrown inside one statement and caught at its boundary, where parsing resumes. `reported`
// when the lexer already gave this statement its error.
class SyntaxFailure extends Error {
  constructor(
    readonly span: Span,
    message: string,
    readonly reported = false,
  ) {
    super(message);
  }
}

function fail(token: Token, message: string): SyntaxFailure {
  return new SyntaxFailure(token, message, token.kind === 'invalid');
}

/** Parses a whole file; what cannot be parsed is reported to `sink` and skipped. */
export function parse(text: string, sink: DiagnosticSink, features: Features): Program {
  const parser = new Parser(text, tokenize(text, sink, features), sink, features);
  return { statements: parser.statements() };
}

class Parser {
  #pos = 0;

  constructor(
    readonly text: string,
    readonly tokens: Token[],
    readonly sink: DiagnosticSink,
    readonly features: Features,
  ) {}

  statements(): Stmt[] {
    const statements: Stmt[] = [];
    for (;;) {
      while (this.#isSeparator(this.#peek())) this.#pos++;
      if (this.#peek().kind === 'end') return statements;
      try {
        statements.push(this.#statement());
        const next = this.#peek();
        if (!this.#isSeparator(next) && next.kind !== 'end') {
          throw fail(next, `expected the end of the statement, found ${describe(next)}`);
        }
      } catch (error) {
        if (!(error instanceof SyntaxFailure)) throw error;
        if (!error.reported) this.sink.error(Codes.Syntax, error.span, error.message);
        while (!this.#isSeparator(this.#peek()) && this.#peek().kind !== 'end') this.#pos++;
      }
    }
  }

  /** A single expression filling the whole token list (a template's `${…}`). */
  lone(): Expr {
    const expr = this.#expression();
    const next = this.#peek();
    if (next.kind !== 'end') throw fail(next, `unexpected ${describe(next)}`);
    return expr;
  }

  #statement(): Stmt {
    const first = this.#peek();
    if (first.kind !== 'let') {
      const expr = this.#expression();
      return { kind: 'expr', expr, start: expr.start, end: expr.end };
    }
    this.#pos++;
    const name = this.#next();
    if (name.kind !== 'ident')
      throw fail(name, `expected a name after 'let', found ${describe(name)}`);
    this.#expectOp('=');
    const init = this.#expression();
    const nameSpan = { start: name.start, end: name.end };
    return { kind: 'let', name: name.name, nameSpan, init, start: first.start, end: init.end };
  }

  #expression(): Expr {
    return this.#binary(['+', '-'], () => this.#binary(['*', '/'], () => this.#unary()));
  }

  #binary(ops: BinaryOperator[], operand: () => Expr): Expr {
    let left = operand();
    for (
      let token = this.#peek();
      token.kind === 'op' && ops.includes(token.op as BinaryOperator);
      token = this.#peek()
    ) {
      this.#pos++;
      const right = operand();
      left = {
        kind: 'binary',
        op: token.op as BinaryOperator,
        left,
        right,
        start: left.start,
        end: right.end,
      };
    }
    return left;
  }

  #unary(): Expr {
    const token = this.#peek();
    if (token.kind === 'op' && token.op === '-') {
      this.#pos++;
      const operand = this.#unary();
      return { kind: 'negate', operand, start: token.start, end: operand.end };
    }
    return this.#primary();
  }

  #primary(): Expr {
    const token = this.#next();
    const span = { start: token.start, end: token.end };
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value, ...span };
      case 'string':
        return { kind: 'string', value: token.value, ...span };
      case 'template':
        return {
          kind: 'template',
          parts: token.parts.map((part) =>
            part.kind === 'text' ? part.value : this.#embedded(part.span),
          ),
          ...span,
        };
      case 'ident':
        return this.#isOp(this.#peek(), '(')
          ? this.#call(token.name, span)
          : { kind: 'name', name: token.name, ...span };
      case 'op':
        if (token.op === '(') {
          const inner = this.#expression();
          this.#expectOp(')');
          return inner;
        }
    }
    throw fail(token, `expected an expression, found ${describe(token)}`);
  }

  #call(callee: string, calleeSpan: Span): Expr {
    this.#pos++;
    const args: Expr[] = [];
    if (!this.#isOp(this.#peek(), ')')) {
      do args.push(this.#expression());
      while (this.#isOp(this.#peek(), ',') && ++this.#pos);
    }
    const close = this.#expectOp(')');
    return { kind: 'call', callee, calleeSpan, args, start: calleeSpan.start, end: close.end };
  }

  #embedded(span: Span): Expr {
    if (!this.text.slice(span.start, span.end).trim())
      throw new SyntaxFailure(span, 'expected an expression inside \u0024{}');
    const tokens = tokenize(this.text, this.sink, this.features, span.start, span.end);
    return new Parser(this.text, tokens, this.sink, this.features).lone();
  }

  #expectOp(op: string): Token {
    const token = this.#next();
    if (!this.#isOp(token, op)) throw fail(token, `expected '${op}', found ${describe(token)}`);
    return token;
  }

  #isOp(token: Token, op: string): boolean {
    return token.kind === 'op' && token.op === op;
  }

  #isSeparator(token: Token): boolean {
    return token.kind === 'newline' || this.#isOp(token, ';');
  }

  #peek(): Token {
    return this.tokens[this.#pos] ?? this.tokens[this.tokens.length - 1]!;
  }

  // Never steps over a statement's end: a failure there must leave it for the recovery to find.
  #next(): Token {
    const token = this.#peek();
    if (token.kind !== 'end' && !this.#isSeparator(token)) this.#pos++;
    return token;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
    case 'newline':
      return 'the end of the line';
    case 'op':
      return `'${token.op}'`;
    case 'ident':
      return `'${token.name}'`;
    case 'let':
      return "'let'";
    default:
      return `a ${token.kind}`;
  }
}
