// The mycc compiler in-process: codes, 0-based ranges, the version-gated features, and evaluation.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../examples/mycc/src/compile.js';
import { formatDiagnostic } from '../../examples/mycc/src/diagnostics.js';
import { evaluate } from '../../examples/mycc/src/evaluate.js';
import { featuresOf } from '../../examples/mycc/src/version.js';

const v142 = featuresOf('1.4.2');
const v150 = featuresOf('1.5.0');
const v200 = featuresOf('2.0.0');

/** The diagnostics as `line:col code severity` (1-based, like the text output) for compact assertions. */
function summary(text: string, features = v142): string[] {
  return compileSource(text, features).diagnostics.map(
    (d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.severity}`,
  );
}

function run(text: string, features = v200): string[] {
  const { js, diagnostics } = compileSource(text, features);
  expect(diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  return evaluate(js!);
}

describe('mycc compiler', () => {
  it('compiles and evaluates let bindings, arithmetic precedence, strings and builtins', () => {
    const source = 'let a = 2 + 3 * 4\nlet s = "n=" + str(a)\nprint(s, len(s)); print(-a / 2)\n';
    expect(run(source)).toEqual(['n=14 4', '-7']);
  });

  it('reports an undefined name as MYCC001 with the exact 0-based range', () => {
    const [d] = compileSource('let a = 1\nprint(a + bogus)\n', v142).diagnostics;
    expect(d).toMatchObject({ code: 'MYCC001', severity: 1, source: 'mycc' });
    expect(d!.range).toEqual({
      start: { line: 1, character: 10 },
      end: { line: 1, character: 15 },
    });
  });

  it('reports a type mismatch as MYCC002 spanning the whole operation', () => {
    const [d] = compileSource('let n = 1\nlet s = "x"\nprint(n + s)\n', v142).diagnostics;
    expect(d).toMatchObject({ code: 'MYCC002', severity: 1 });
    expect(d!.range).toEqual({ start: { line: 2, character: 6 }, end: { line: 2, character: 11 } });
  });

  it('reports syntax errors as MYCC003 and keeps checking the following statements', () => {
    expect(summary('let = 4\nlet x = 1 +\nprint(y)\nlet z = 1 $ 2\n')).toEqual([
      '1:5 MYCC003 1',
      '2:12 MYCC003 1',
      '3:7 MYCC001 1',
      '4:11 MYCC003 1',
    ]);
  });

  it('reports wrong argument counts as MYCC004 and argument types as MYCC002', () => {
    expect(summary('print(len("a", "b"))\nprint(len(3))\nprint()\n')).toEqual([
      '1:7 MYCC004 1',
      '2:11 MYCC002 1',
      '3:1 MYCC004 1',
    ]);
  });

  it('reports an unknown function as MYCC001 on its name', () => {
    expect(summary('print(sqrt(4))')).toEqual(['1:7 MYCC001 1']);
  });

  it('rejects using the result of print as a value', () => {
    expect(summary('let x = print(1)\nprint(x)')).toEqual(['1:9 MYCC002 1']);
  });

  it('gives one diagnostic per mistake rather than a cascade', () => {
    expect(summary('let a = missing + 1\nlet b = a * "x"\nprint(b)')).toEqual(['1:9 MYCC001 1']);
  });

  it('warns about unused bindings (MYCC101) from 1.5.0 on, and not in 1.4.2', () => {
    const source = 'let used = 1\nlet unused = 2\nlet _quiet = 3\nprint(used)\n';
    expect(summary(source, v142)).toEqual([]);
    expect(summary(source, v150)).toEqual(['2:5 MYCC101 2']);
    expect(compileSource(source, v150).js).not.toBeNull();
  });

  it('accepts template strings in 2.0.0 and rejects them before', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is mycc source, not a JS template
    const source = 'let n = 3\nprint(n)\nprint(`n is ${n * 2}, ${upper("ok")}!`)\n';
    expect(run(source, v200)).toEqual(['3', 'n is 6, OK!']);
    expect(summary(source, v150)).toEqual(['3:7 MYCC003 1']);
    expect(summary(source, v142)).toEqual(['3:7 MYCC003 1']);
  });

  it('places diagnostics inside template interpolations at their position in the file', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is mycc source, not a JS template
    expect(summary('print(`a ${nope} b`)', v200)).toEqual(['1:12 MYCC001 1']);
  });

  it('allows shadowing and names that are JavaScript keywords', () => {
    expect(run('let class = 1\nlet class = class + 1\nprint(class)')).toEqual(['2']);
  });

  it('treats newlines inside parentheses as whitespace and # as a comment', () => {
    expect(run('# totals\nprint(1 +\n  2) # three\n')).toEqual(['3']);
  });

  it('reports unterminated strings and unknown escapes', () => {
    expect(summary('print("abc\nprint("a\\qb")')).toEqual(['1:7 MYCC003 1', '2:9 MYCC003 1']);
  });

  it('formats diagnostics 1-based as file:line:col: severity CODE: message', () => {
    const [d] = compileSource('print(x)', v142).diagnostics;
    expect(formatDiagnostic('src/a.my', d!)).toBe(
      "src/a.my:1:7: error MYCC001: undefined name 'x'",
    );
  });

  it('derives the feature set from the version string', () => {
    expect(featuresOf('1.4.2')).toEqual({ unusedWarnings: false, templates: false });
    expect(featuresOf('1.5.0')).toEqual({ unusedWarnings: true, templates: false });
    expect(featuresOf('2.0.0-rc.1')).toEqual({ unusedWarnings: true, templates: true });
  });
});
