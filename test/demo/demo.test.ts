// `npm run demo` end to end, as a newcomer runs it: it must tell the whole story, exit 0, and
// leave nothing running and nothing behind.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';

describe('npm run demo', () => {
  it('narrates install, port, diagnostics, editor view, crash and restart, two projects, and a clean stop', async () => {
    const started = Date.now();
    const env = cleanEnv();
    delete env.LAUNCHER_HOME;
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.mjs')], {
      env,
      cwd: REPO_ROOT,
    });
    expect(r.stderr).not.toContain('demo failed');
    expect(r.code).toBe(0);
    const out = r.stdout;
    for (const narration of [
      '▸ Building the sample distribution',
      '▸ Running `mycc serve` in project-one through the shim: 1.4 is installed on first use',
      'launcher: installed mycc 1.4.2',
      'the compiler reported its server port over the launcher socket:',
      'hello.my printed ["hello, world","twice the length: 10"]',
      "broken.my(3,7): error TS001: [MYCC001] undefined name 'totl'",
      'broken.my: 3 diagnostics MYCC001@3:7 MYCC002@4:7 MYCC003@5:5',
      'launcher: mycc was killed by SIGKILL; restarting',
      'launcher: installed mycc 2.0.0',
      'both exited (0, 0); live sessions left: 0',
    ]) {
      expect(out).toContain(narration);
    }
    // Two projects at once, each on its own port, and the restart got a new port too.
    const [, two, one] = out.match(/serves project-two on port (\d+) \(project-one: (\d+)\)/) ?? [];
    expect(Number(two)).toBeGreaterThan(0);
    expect(two).not.toBe(one);
    const [, first] = out.match(/launcher socket: (\d+)/) ?? [];
    const [, restartedOn] = out.match(/new port (\d+)/) ?? [];
    expect(restartedOn).not.toBe(first);
    expect(out.match(/ {2}\S{16} {2}mycc@/g)).toHaveLength(2);

    // Nothing written outside its temporary directory, which is gone, and nothing left running.
    const work = out.match(/LAUNCHER_HOME: (.+)\/home\n/)?.[1];
    expect(work).toBeTruthy();
    expect(existsSync(work!)).toBe(false);
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps.split('\n').filter((line) => line.includes(work!))).toEqual([]);
    // Issue 7 asks for the demo in under 60 s on this machine; the bound is that requirement.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
