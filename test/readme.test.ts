// The README's tour is a script: every `$` line of its `console` blocks runs here, in order, in a
// project holding the sample files and against the sample distribution, and every output line it
// shows must really be printed. A README example that stops working fails this test.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SAMPLES, useSampleDist } from './examples/sample-fixture.js';
import { REPO_ROOT, run } from './helpers/cli.js';
import { cleanEnv, tempDir } from './helpers/env.js';

interface Step {
  command: string;
  exitCode: number;
  shown: string[];
}

/** The `$` lines of the README's console blocks, each with its expected exit code and output. */
function readmeSteps(): Step[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const steps: Step[] = [];
  for (const block of readme.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) {
        const [, command, code] = line.slice(2).match(/^(.*?)\s*(?:#\s*exits (\d+))?$/)!;
        steps.push({ command: command!, exitCode: Number(code ?? 0), shown: [] });
      } else if (line.trim() && steps.length) {
        steps.at(-1)!.shown.push(line);
      }
    }
  }
  return steps;
}

const { dist } = useSampleDist();

describe('the README tour', () => {
  const steps = readmeSteps();

  it('has a tour to run', () => {
    expect(steps.length).toBeGreaterThan(15);
  });

  it('runs every command it shows, with the exit codes and output it shows', async () => {
    const project = tempDir('launcher-readme-');
    for (const sample of ['broken.my', 'hello.my'])
      copyFileSync(path.join(SAMPLES, sample), path.join(project, sample));
    const env = cleanEnv({ LAUNCHER_DIST_URL: pathToFileURL(dist().indexPath).href });
    const home = env.LAUNCHER_HOME!;
    env.PATH = `${path.join(home, 'shims')}:${path.join(REPO_ROOT, 'bin')}:${env.PATH}`;
    // The README shows a user's paths; here they are the sandbox's.
    const real = (text: string) =>
      text
        .replaceAll('/home/me/.local/share/launcher', home)
        .replaceAll('/home/me/project', project);
    try {
      for (const step of steps) {
        const r = await run('/bin/sh', ['-c', step.command], { env, cwd: project });
        const output = r.stdout + r.stderr;
        expect({ command: step.command, code: r.code, output }).toMatchObject({
          command: step.command,
          code: step.exitCode,
        });
        for (const line of step.shown)
          expect(output, `output of ${step.command}`).toContain(real(line));
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
});
