// A project directory removed (and made anew, as `rm -rf out && mkdir out` does) while a
// supervised compiler runs in it: the restarted compiler starts in the new directory, or the
// run ends saying the directory is gone.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { until } from '../supervisor/helpers.js';

// Lists its directory; the first run then waits for the go-ahead and kills itself (an abnormal
// end, restarted), the next ends with 0.
const LIST_THEN_CRASH_ONCE = `#!/bin/sh
ls
if [ ! -e "$CRASH_MARK" ]; then
  : > "$CRASH_MARK"
  while [ ! -e "$GO" ]; do sleep 0.02; done
  kill -9 $$
fi
`;

/** A project pinned to a system `mycc` that lists its directory and crashes once. */
function world() {
  const project = path.join(tempDir('launcher-project-'), 'project');
  const fill = (file: string) => {
    mkdirSync(project);
    writeFileSync(path.join(project, '.tool-version'), 'system\n');
    writeFileSync(path.join(project, file), '');
  };
  fill('old-file');
  const bin = tempDir();
  writeFileSync(path.join(bin, 'mycc'), LIST_THEN_CRASH_ONCE, { mode: 0o755 });
  const marks = tempDir();
  const [crashMark, go] = [path.join(marks, 'crashed'), path.join(marks, 'go')];
  const env = cleanEnv({ CRASH_MARK: crashMark, GO: go });
  env.PATH = `${bin}${path.delimiter}${env.PATH}`;
  const run = launcher(['exec', 'mycc'], { env, cwd: project });
  /** Once the first run has crashed-to-be: do `change`, then let it crash. */
  const between = async (change: () => void) => {
    await until(() => existsSync(crashMark), 10_000);
    change();
    writeFileSync(go, '');
    return run;
  };
  return { project, fill, between };
}

describe('a working directory removed between two runs of the compiler', () => {
  it('is entered anew by the restarted compiler when made anew, which sees the new files', async () => {
    const { project, fill, between } = world();
    const r = await between(() => {
      rmSync(project, { recursive: true });
      fill('new-file');
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('old-file\nnew-file\n');
  });

  it('ends the run naming the directory when it is gone for good', async () => {
    const { project, between } = world();
    const r = await between(() => rmSync(project, { recursive: true }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('old-file\n');
    expect(r.stderr).toContain(`its working directory ${project} does not exist`);
    expect(r.stderr).not.toContain('setpriv');
  });
});
