// How doctor reports a check that throws: a set-up problem with its fix, a bug with its trace.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderFindings, runChecks } from '../../src/doctor/check.js';
import { tempDir } from '../helpers/env.js';

// A check with a bug in it: it throws something no check means to throw.
const buggy = (): never => {
  throw new TypeError('cannot read properties of undefined');
};

describe('runChecks', () => {
  it('reports a check that threw as a bug, pointing at LAUNCHER_DEBUG=1, without a trace by default', async () => {
    const text = renderFindings(await runChecks([['buggy', buggy]]));
    expect(text).toContain(
      '✗ buggy: the check itself failed: cannot read properties of undefined\n',
    );
    expect(text).toContain(
      '  fix: this is a bug in launcher: run `LAUNCHER_DEBUG=1 launcher doctor`',
    );
    expect(text).not.toContain('trace:');
  });

  it('adds the stack of a check that threw when debugging (LAUNCHER_DEBUG=1)', async () => {
    const findings = await runChecks([['buggy', buggy]], { debug: true });
    const text = renderFindings(findings);
    expect(text).toContain(
      '  fix: this is a bug in launcher: report this output, with the trace below\n',
    );
    expect(text).toMatch(
      /\n {2}trace: TypeError: cannot read properties of undefined\n {6}at buggy /,
    );
  });

  it('reports a file where a directory belongs as the user’s to fix, not as a bug', async () => {
    const file = path.join(tempDir(), 'versions');
    writeFileSync(file, '');
    const listing = () => {
      readdirSync(file);
      return [];
    };
    const text = renderFindings(await runChecks([['listing', listing]]));
    expect(text).toContain(
      `✗ listing: cannot use ${file} (scandir): a part of that path is a file`,
    );
    expect(text).not.toContain('the check itself failed');
    expect(text).not.toContain('bug');
  });
});
