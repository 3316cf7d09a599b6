// The output formats against their consumers: VS Code's real problem-matcher expressions, SARIF's rules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, FileDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { NO_CODE_RULE, type SarifLog, toSarif } from '../../src/diagnostics/format-sarif.js';
import { formatText } from '../../src/diagnostics/format-text.js';
import { formatTsc, tscCode, tscWatchMarkers } from '../../src/diagnostics/format-tsc.js';
import { renderWatchUpdate } from '../../src/diagnostics/render.js';
import { REPO_ROOT } from '../helpers/cli.js';

// The oracles, copied verbatim from VS Code: the `$tsc` problem pattern, and the background
// markers of the `$tsc-watch` matcher (extensions/typescript-language-features/package.json).
// biome-ignore lint/complexity/useRegexLiterals: kept character for character as VS Code has it
const TSC = new RegExp(
  String.raw`^([^\s].*)[\(:](\d+)[,:](\d+)(?:\):\s+|\s+-\s+)(error|warning|info)\s+TS(\d+)\s*:\s*(.*)$`,
);
const TSC_WATCH_BEGIN =
  /^\s*(?:message TS6032:|\[?\D*.{1,2}[:.].{1,2}[:.].{1,2}\D*(├\D*\d{1,2}\D+┤)?(?:\]| -)) (Starting compilation in watch mode|File change detected\. Starting incremental compilation)\.\.\./;
const TSC_WATCH_END =
  /^\s*(?:message TS6042:|\[?\D*.{1,2}[:.].{1,2}[:.].{1,2}\D*(├\D*\d{1,2}\D+┤)?(?:\]| -)) (?:Compilation complete\.|Found \d+ errors?\.) Watching for file changes\./;
// The custom matcher docs/ide.md offers (read from the doc itself), to show the compiler's own code.
const IDE_DOC = readFileSync(path.join(REPO_ROOT, 'docs', 'ide.md'), 'utf8');
const CUSTOM = new RegExp(JSON.parse(/"regexp": ("\^.*"),$/m.exec(IDE_DOC)![1]!) as string);

const ROOT = path.resolve('/work/project');
const uri = (relative: string) => pathToFileURL(path.join(ROOT, relative)).href;

function diag(line: number, character: number, extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    range: { start: { line, character }, end: { line, character: character + 3 } },
    severity: 1,
    code: 'MYCC001',
    message: 'undefined name `x`',
    ...extra,
  };
}

const FILES: FileDiagnostics[] = [
  {
    uri: uri('src/main.my'),
    diagnostics: [
      diag(9, 4, { severity: 2, code: 'MYCC042', message: 'unused variable' }),
      diag(0, 0),
      diag(3, 1, { severity: 3, code: 7, message: 'note this' }),
      diag(4, 0, { severity: 4, code: undefined, message: 'consider\nsplitting\r\n  this' }),
      diag(5, 0, { severity: undefined, code: 'TS2304', message: 'tsc-style' }),
    ],
  },
  { uri: uri('dir with space/a (1).my'), diagnostics: [diag(0, 7, { code: 'E0308' })] },
];

describe('--format tsc', () => {
  it('writes lines that VS Code’s $tsc pattern matches, with 1-based positions and relative paths', () => {
    const lines = formatTsc(FILES, ROOT);
    expect(lines).toHaveLength(6);
    const matched = lines.map((line) => {
      const m = TSC.exec(line);
      expect(m, line).not.toBeNull();
      const [, file, l, c, severity, code, message] = m!;
      return { file, line: Number(l), col: Number(c), severity, code, message };
    });
    const main = path.join('src', 'main.my');
    expect(matched).toEqual([
      {
        file: main,
        line: 1,
        col: 1,
        severity: 'error',
        code: '001',
        message: '[MYCC001] undefined name `x`',
      },
      { file: main, line: 4, col: 2, severity: 'info', code: '7', message: 'note this' },
      {
        file: main,
        line: 5,
        col: 1,
        severity: 'info',
        code: '0',
        message: 'consider splitting this',
      },
      { file: main, line: 6, col: 1, severity: 'error', code: '2304', message: 'tsc-style' },
      {
        file: main,
        line: 10,
        col: 5,
        severity: 'warning',
        code: '042',
        message: '[MYCC042] unused variable',
      },
      {
        file: path.join('dir with space', 'a (1).my'),
        line: 1,
        col: 8,
        severity: 'error',
        code: '0308',
        message: '[E0308] undefined name `x`',
      },
    ]);
  });

  it('keeps the compiler’s own code for a custom matcher (docs/ide.md)', () => {
    const [first, , third] = formatTsc(FILES, ROOT);
    expect(CUSTOM.exec(first!)?.slice(5)).toEqual(['MYCC001', 'undefined name `x`']);
    expect(CUSTOM.exec(third!)?.slice(5)).toEqual([undefined, 'consider splitting this']);
  });

  it('maps codes to the TS<digits> form $tsc requires', () => {
    expect(tscCode('MYCC001')).toEqual({ token: 'TS001', shown: 'MYCC001' });
    expect(tscCode(2304)).toEqual({ token: 'TS2304', shown: null });
    expect(tscCode('2304')).toEqual({ token: 'TS2304', shown: null });
    expect(tscCode('TS2304')).toEqual({ token: 'TS2304', shown: null });
    expect(tscCode('unused-var')).toEqual({ token: 'TS0', shown: 'unused-var' });
    expect(tscCode('W12-strict')).toEqual({ token: 'TS12', shown: 'W12-strict' });
    expect(tscCode(-3)).toEqual({ token: 'TS3', shown: '-3' });
    expect(tscCode(undefined)).toEqual({ token: 'TS0', shown: null });
  });

  it('puts related information on indented lines that the matcher skips', () => {
    const lines = formatTsc(
      [
        {
          uri: uri('a.my'),
          diagnostics: [
            diag(1, 1, {
              relatedInformation: [
                {
                  location: { uri: uri('b.my'), range: diag(2, 3).range },
                  message: 'declared here',
                },
              ],
            }),
          ],
        },
      ],
      ROOT,
    );
    expect(lines).toEqual([
      'a.my(2,2): error TS001: [MYCC001] undefined name `x`',
      '    b.my(3,4): declared here',
    ]);
    expect(TSC.test(lines[1]!)).toBe(false);
  });

  it('shows a URI that is not a file as it is', () => {
    const [line] = formatTsc([{ uri: 'untitled:Untitled-1', diagnostics: [diag(0, 0)] }], ROOT);
    expect(TSC.exec(line!)?.[1]).toBe('untitled:Untitled-1');
  });

  it('frames watch updates with markers $tsc-watch recognises, counting only errors', () => {
    const at = new Date(2026, 0, 10, 14, 3, 7);
    const first = tscWatchMarkers(true, FILES, at);
    const later = tscWatchMarkers(false, [{ uri: uri('a.my'), diagnostics: [diag(0, 0)] }], at);
    expect(first.begin).toBe('14:03:07 - Starting compilation in watch mode...');
    expect(later.begin).toBe(
      '14:03:07 - File change detected. Starting incremental compilation...',
    );
    expect(first.end).toBe('14:03:07 - Found 3 errors. Watching for file changes.');
    expect(later.end).toBe('14:03:07 - Found 1 error. Watching for file changes.');
    for (const { begin, end } of [first, later]) {
      expect(begin).toMatch(TSC_WATCH_BEGIN);
      expect(end).toMatch(TSC_WATCH_END);
      expect(begin).not.toMatch(TSC);
      expect(end).not.toMatch(TSC);
    }
  });
});

describe('text format', () => {
  it('prints path:line:col: severity code: message, 1-based', () => {
    expect(formatText(FILES, ROOT)[0]).toBe(
      `${path.join('src', 'main.my')}:1:1: error MYCC001: undefined name \`x\``,
    );
    expect(formatText(FILES, ROOT)[2]).toBe(
      `${path.join('src', 'main.my')}:5:1: hint: consider splitting this`,
    );
  });

  it('dates a watch update by the same local HH:MM:SS clock as the tsc markers', () => {
    const at = new Date(2026, 0, 10, 9, 5, 3);
    const ctx = { projectRoot: ROOT, tool: 'mycc' };
    expect(renderWatchUpdate('text', FILES, ctx, true, at)).toMatch(/^-- 09:05:03 /);
    expect(renderWatchUpdate('tsc', FILES, ctx, true, at)).toMatch(/^09:05:03 - /);
  });
});

// A published URI is data: decoded into a path, a newline in it must not start a line of its own.
describe('a document path with a line break or other control character', () => {
  const injected = `${uri('x')}%0Afake.my(9,9)%3A%20error%20TS1%3A%20injected%0Ay.my`;
  const shown = 'x%0Afake.my(9,9): error TS1: injected%0Ay.my';
  const files: FileDiagnostics[] = [{ uri: injected, diagnostics: [diag(0, 0)] }];
  const lines = (text: string[]) => text.join('\n').split(/\r\n|[\n\r\u2028\u2029]/);

  it('is one line in the tsc format, the characters percent-escaped', () => {
    expect(lines(formatTsc(files, ROOT))).toEqual([
      `${shown}(1,1): error TS001: [MYCC001] undefined name \`x\``,
    ]);
  });

  it('is one line in the text format', () => {
    expect(lines(formatText(files, ROOT))).toEqual([
      `${shown}:1:1: error MYCC001: undefined name \`x\``,
    ]);
  });

  it('is escaped in related information and in URIs that are not files', () => {
    const related = diag(0, 0, {
      relatedInformation: [{ location: { uri: injected, range: diag(0, 0).range }, message: 'm' }],
    });
    const odd = 'untitled:a\rb\u2028c\u2029d\u007fe\u0000f%g\u0085h\u009bi';
    const out = formatTsc([{ uri: odd, diagnostics: [related] }], ROOT);
    expect(lines(out)).toEqual([
      'untitled:a%0Db%E2%80%A8c%E2%80%A9d%7Fe%00f%g%C2%85h%C2%9Bi(1,1): error TS001: [MYCC001] undefined name `x`',
      `    ${shown}(1,1): m`,
    ]);
  });
});

describe('a code that shows as nothing ("")', () => {
  const files: FileDiagnostics[] = [{ uri: uri('a.my'), diagnostics: [diag(0, 0, { code: '' })] }];

  it('is no code in every format', () => {
    expect(formatText(files, ROOT)).toEqual(['a.my:1:1: error: undefined name `x`']);
    expect(formatTsc(files, ROOT)).toEqual(['a.my(1,1): error TS0: undefined name `x`']);
    const [run] = toSarif(files, { projectRoot: ROOT, tool: 'mycc', version: null }).runs;
    expect(run!.results[0]!.ruleId).toBe(NO_CODE_RULE);
  });
});

/** Every property SARIF 2.1.0 requires of what we write, checked as its schema states it. */
function sarifProblems(log: SarifLog): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
  check(log.version === '2.1.0', 'version must be "2.1.0"');
  check(typeof log.$schema === 'string' && /sarif.*2\.1\.0.*\.json$/.test(log.$schema), '$schema');
  check(Array.isArray(log.runs) && log.runs.length > 0, 'runs');
  for (const run of log.runs) {
    const driver = run.tool?.driver;
    check(typeof driver?.name === 'string' && driver.name.length > 0, 'tool.driver.name');
    check(['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind), 'columnKind');
    for (const [id, base] of Object.entries(run.originalUriBaseIds ?? {})) {
      check(
        /^file:\/\/.*\/$/.test(base.uri),
        `originalUriBaseIds.${id} must be absolute, end in /`,
      );
    }
    for (const rule of driver.rules) check(typeof rule.id === 'string', 'rule.id');
    for (const result of run.results) {
      check(typeof result.message?.text === 'string', 'result.message.text');
      check(typeof result.ruleId === 'string' && result.ruleId !== '', 'result.ruleId');
      check(driver.rules[result.ruleIndex]?.id === result.ruleId, 'ruleIndex points at ruleId');
      check(['none', 'note', 'warning', 'error'].includes(result.level), 'result.level');
      check(Array.isArray(result.locations) && result.locations.length > 0, 'result.locations');
      for (const location of [...result.locations, ...(result.relatedLocations ?? [])]) {
        const physical = location.physicalLocation;
        const artifact = physical?.artifactLocation;
        check(typeof artifact?.uri === 'string' && !artifact.uri.includes('\\'), 'artifact uri');
        if (artifact?.uriBaseId !== undefined) {
          check(artifact.uriBaseId in (run.originalUriBaseIds ?? {}), 'uriBaseId is declared');
          check(!/^[a-z]+:/i.test(artifact.uri), 'a uri with a base is relative');
        }
        const r = physical?.region;
        check(positive(r?.startLine) && positive(r?.startColumn), 'region start is 1-based');
        check(positive(r?.endLine) && positive(r?.endColumn), 'region end is 1-based');
      }
    }
  }
  return problems;
}

describe('--format sarif', () => {
  it('writes a SARIF 2.1.0 log with every required property', () => {
    const log = toSarif(FILES, { projectRoot: ROOT, tool: 'mycc', version: '1.4.2' });
    expect(sarifProblems(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'mycc', version: '1.4.2' });
    expect(run.results).toHaveLength(6);
    expect(run.results[0]).toEqual({
      ruleId: 'MYCC001',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'undefined name `x`' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/main.my', uriBaseId: 'PROJECTROOT' },
            region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 4 },
          },
        },
      ],
    });
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['MYCC001', 'error'],
      ['7', 'note'],
      [NO_CODE_RULE, 'note'],
      ['TS2304', 'error'],
      ['MYCC042', 'warning'],
      ['E0308', 'error'],
    ]);
    expect(run.results[5]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'dir%20with%20space/a%20(1).my',
    );
    expect(run.originalUriBaseIds.PROJECTROOT!.uri).toBe(`${pathToFileURL(ROOT).href}/`);
  });

  it('keeps URIs outside the project absolute, and related information as related locations', () => {
    const outside = pathToFileURL(path.resolve('/elsewhere/lib.my')).href;
    const log = toSarif(
      [
        {
          uri: outside,
          diagnostics: [
            diag(0, 0, {
              relatedInformation: [
                { location: { uri: uri('a.my'), range: diag(1, 1).range }, message: 'here' },
              ],
            }),
          ],
        },
      ],
      { projectRoot: ROOT, tool: 'mycc' },
    );
    expect(sarifProblems(log)).toEqual([]);
    const result = log.runs[0]!.results[0]!;
    expect(result.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: outside });
    expect(result.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: {
          artifactLocation: { uri: 'a.my', uriBaseId: 'PROJECTROOT' },
          region: { startLine: 2, startColumn: 2, endLine: 2, endColumn: 5 },
        },
        message: { text: 'here' },
      },
    ]);
  });

  it('lists a rule once however many results have its code, each pointing at its index', () => {
    const log = toSarif(
      [
        { uri: uri('a.my'), diagnostics: [diag(0, 0), diag(2, 0, { code: 'MYCC042' })] },
        { uri: uri('b.my'), diagnostics: [diag(1, 0)] },
      ],
      { projectRoot: ROOT, tool: 'mycc' },
    );
    expect(sarifProblems(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules).toEqual([{ id: 'MYCC001' }, { id: 'MYCC042' }]);
    expect(run.results.map((r) => [r.ruleId, r.ruleIndex])).toEqual([
      ['MYCC001', 0],
      ['MYCC042', 1],
      ['MYCC001', 0],
    ]);
  });

  it('is a valid empty run when there is nothing to report', () => {
    const log = toSarif([], { projectRoot: ROOT, tool: 'mycc' });
    expect(sarifProblems(log)).toEqual([]);
    expect(log.runs[0]!.results).toEqual([]);
  });
});
