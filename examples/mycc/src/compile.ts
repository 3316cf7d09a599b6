// The compiler's front door: source text in, diagnostics and (when error-free) JavaScript out.
import { check } from './checker.js';
import { generate } from './codegen.js';
import { type Diagnostic, DiagnosticSink, hasErrors } from './diagnostics.js';
import { parse } from './parser.js';
import type { Features } from './version.js';

/** The result of compiling one file. */
export interface CompileResult {
  diagnostics: Diagnostic[];
  /** The generated JavaScript, or null when there are errors. */
  js: string | null;
}

/** Compiles one source text with the given version's features. */
export function compileSource(text: string, features: Features): CompileResult {
  const sink = new DiagnosticSink(text);
  const program = parse(text, sink, features);
  check(program, sink, features);
  const diagnostics = sink.sorted();
  return { diagnostics, js: hasErrors(diagnostics) ? null : generate(program) };
}
