// The one check of diagnostics, used on the wire and on the kept file alike.
import { describe, expect, it } from 'vitest';
import { diagnosticProblem, isDiagnostic, withoutNulls } from '../../src/diagnostics/diagnostic.js';
import { checkDiagnostics } from '../../src/ipc/validate.js';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } };
const valid = {
  range,
  severity: 2,
  code: 'MYCC001',
  codeDescription: { href: 'https://example.test/MYCC001' },
  source: 'mycc',
  message: 'unused',
  tags: [1],
  relatedInformation: [{ location: { uri: 'file:///a.my', range }, message: 'declared here' }],
  data: { anything: [null] },
};

describe('diagnosticProblem', () => {
  it('accepts every LSP field in its LSP type, and the minimal diagnostic', () => {
    expect(diagnosticProblem(valid)).toBeNull();
    expect(diagnosticProblem({ range, message: '' })).toBeNull();
    expect(diagnosticProblem({ range, message: 'm', code: 2304 })).toBeNull();
  });

  it.each([
    ['not an object', 'x', 'must be an object'],
    ['a range without end', { ...valid, range: { start: range.start } }, '"range"'],
    [
      'a negative line',
      { ...valid, range: { ...range, end: { line: -1, character: 0 } } },
      '"range"',
    ],
    ['no message', { range }, '"message"'],
    ['severity 5', { ...valid, severity: 5 }, '"severity"'],
    ['an object code', { ...valid, code: {} }, '"code"'],
    ['codeDescription without href', { ...valid, codeDescription: {} }, '"codeDescription"'],
    ['a numeric source', { ...valid, source: 1 }, '"source"'],
    ['tags of strings', { ...valid, tags: ['x'] }, '"tags"'],
    [
      'related information without location',
      { ...valid, relatedInformation: [{ message: 'm' }] },
      '"relatedInformation"',
    ],
    [
      'related information with a bad range',
      {
        ...valid,
        relatedInformation: [{ location: { uri: 'file:///a', range: {} }, message: 'm' }],
      },
      '"relatedInformation"',
    ],
    [
      'related information without message',
      { ...valid, relatedInformation: [{ location: { uri: 'file:///a', range } }] },
      '"relatedInformation"',
    ],
    [
      'related information as an object',
      { ...valid, relatedInformation: {} },
      '"relatedInformation"',
    ],
  ])('refuses %s, naming the field', (_what, value, field) => {
    expect(diagnosticProblem(value)).toContain(field);
    expect(isDiagnostic(value)).toBe(false);
  });
});

describe('withoutNulls', () => {
  it('leaves out the optional fields that are null, but keeps null data', () => {
    const sent = { range, message: 'm', code: null, severity: null, tags: null, data: null };
    expect(withoutNulls(sent)).toEqual({ range, message: 'm', data: null });
    expect(sent.code).toBeNull(); // a copy: the input is left as it was
    expect(withoutNulls(valid)).toBe(valid);
  });

  it('does not make a required field optional', () => {
    expect(diagnosticProblem(withoutNulls({ range, message: null }))).toContain('"message"');
  });
});

describe('checkDiagnostics (the wire)', () => {
  it('reads null optional fields, and a null version, as absent', () => {
    const checked = checkDiagnostics({
      uri: 'file:///a.my',
      version: null,
      diagnostics: [valid, { range, message: 'm', code: null }],
    });
    expect(checked).toEqual({
      ok: true,
      value: { uri: 'file:///a.my', diagnostics: [valid, { range, message: 'm' }] },
    });
  });

  it('refuses a notification with one bad diagnostic, saying which and why', () => {
    const checked = checkDiagnostics({
      uri: 'file:///a.my',
      diagnostics: [valid, { ...valid, relatedInformation: [{ message: 'no location' }] }],
    });
    expect(checked).toEqual({
      ok: false,
      reason: expect.stringMatching(/^diagnostics\[1\]: "relatedInformation" must be/),
    });
  });

  it('accepts what the kept file accepts', () => {
    expect(checkDiagnostics({ uri: 'file:///a.my', diagnostics: [valid] })).toMatchObject({
      ok: true,
    });
  });
});
