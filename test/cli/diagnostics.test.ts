// End to end: `launcher diagnostics` reads what the keeper kept, in every format, once or watching.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { DiagnosticsKeeper } from '../../src/diagnostics/keeper.js';
import { keptDiagnosticsFile } from '../../src/diagnostics/kept-file.js';
import { launcherPaths } from '../../src/paths.js';
import { listSessions } from '../../src/session/registry.js';
import { LAUNCHER_BIN, launcher, REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';
import { placeVersion } from '../helpers/store.js';

const PUBLISH = path.join(REPO_ROOT, 'test', 'fixtures', 'publish.mjs');
const PIPELINED = path.join(REPO_ROOT, 'test', 'fixtures', 'pipelined-hello.mjs');

// VS Code's `$tsc` problem pattern, the oracle for `--format tsc`.
// biome-ignore lint/complexity/useRegexLiterals: kept character for character as VS Code has it
const TSC = new RegExp(
  String.raw`^([^\s].*)[\(:](\d+)[,:](\d+)(?:\):\s+|\s+-\s+)(error|warning|info)\s+TS(\d+)\s*:\s*(.*)$`,
);

function diag(line: number, character: number, extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    range: { start: { line, character }, end: { line, character: character + 1 } },
    severity: 1,
    code: 'MYCC001',
    message: 'undefined name',
    ...extra,
  };
}

/** A project pinned by `.tool-version` at its root, with a sub-directory to run from. */
function project(pinned = true) {
  const env = cleanEnv();
  const root = tempDir('launcher-project-');
  if (pinned) writeFileSync(path.join(root, '.tool-version'), '1.4.2\n');
  const sub = path.join(root, 'src', 'deep');
  mkdirSync(sub, { recursive: true });
  const uri = (relative: string) => pathToFileURL(path.join(root, relative)).href;
  const keep = (files: Record<string, Diagnostic[]>, tool?: string) => {
    const keeper = new DiagnosticsKeeper(launcherPaths(env), root, { tool: tool ?? null });
    for (const [name, diagnostics] of Object.entries(files)) keeper.update(uri(name), diagnostics);
    keeper.close();
  };
  /** A short compiler run (`launcher exec mycc`) that publishes `files` exactly as given. */
  const publish = (files: { uri: string; diagnostics: unknown[] }[]) => {
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', {
      script: `#!/bin/sh\nexec '${process.execPath}' '${PUBLISH}' "$@"\n`,
    });
    return launcher(['exec', 'mycc', JSON.stringify(files)], { env, cwd: root });
  };
  /** Write the kept file by hand, as a launcher of another version (or a damaged disk) might. */
  const writeKept = (files: Record<string, unknown[]>) => {
    const file = keptDiagnosticsFile(launcherPaths(env), root);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ projectRoot: root, updatedAt: '', files }));
    return file;
  };
  return { env, root, sub, uri, keep, publish, writeKept };
}

describe('launcher diagnostics', () => {
  it('prints tsc lines that $tsc matches, relative to the version file’s directory, exit 0', async () => {
    const { env, sub, keep } = project();
    keep({
      'src/a.my': [diag(2, 4), diag(0, 0, { severity: 2, code: 'MYCC007', message: 'unused' })],
      'b.my': [diag(9, 0, { code: undefined, message: 'no code here' })],
    });
    const r = await launcher(['diagnostics', '--format', 'tsc'], { env, cwd: sub });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'b.my(10,1): error TS0: no code here',
      `${path.join('src', 'a.my')}(1,1): warning TS007: [MYCC007] unused`,
      `${path.join('src', 'a.my')}(3,5): error TS001: [MYCC001] undefined name`,
    ]);
    for (const line of lines) expect(line).toMatch(TSC);
    expect(TSC.exec(lines[2]!)?.slice(1)).toEqual([
      path.join('src', 'a.my'),
      '3',
      '5',
      'error',
      '001',
      '[MYCC001] undefined name',
    ]);
  });

  it('prints --json as [{ uri, diagnostics }] sorted by uri', async () => {
    const { env, root, uri, keep } = project();
    keep({ 'z.my': [diag(1, 1)], 'a.my': [diag(2, 2, { source: 'mycc', tags: [1] })] });
    const r = await launcher(['diagnostics', '--json'], { env, cwd: root });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { uri: uri('a.my'), diagnostics: [diag(2, 2, { source: 'mycc', tags: [1] })] },
      { uri: uri('z.my'), diagnostics: [diag(1, 1)] },
    ]);
  });

  it('prints SARIF 2.1.0 naming the tool that published', async () => {
    const { env, root, keep } = project();
    keep({ 'a.my': [diag(0, 0)] }, 'mycc');
    const r = await launcher(['diagnostics', '--format', 'sarif'], { env, cwd: root });
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(log).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'mycc' } } }] });
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs[0].results[0]).toMatchObject({
      ruleId: 'MYCC001',
      level: 'error',
      message: { text: 'undefined name' },
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'a.my' }, region: { startLine: 1 } } },
      ],
    });
  });

  it('names in SARIF the version a `system` compiler reported in its hello, an installed one by its pin', async () => {
    const { env, root, uri, publish } = project();
    // publish.mjs says hello as mycc 1.0.0; the pin says 1.4.2, and the pin wins for a managed version.
    expect((await publish([{ uri: uri('a.my'), diagnostics: [diag(0, 0)] }])).code).toBe(0);
    const driver = async () => {
      const r = await launcher(['diagnostics', '--format', 'sarif'], { env, cwd: root });
      expect(r).toMatchObject({ code: 0, stderr: '' });
      return JSON.parse(r.stdout).runs[0].tool.driver;
    };
    expect(await driver()).toMatchObject({ name: 'mycc', version: '1.4.2' });
    // Pinned to `system`: the mycc first on PATH, which names no version until it says hello.
    writeFileSync(path.join(root, '.tool-version'), 'system\n');
    const bin = tempDir();
    writeFileSync(
      path.join(bin, 'mycc'),
      `#!/bin/sh\nexec '${process.execPath}' '${PUBLISH}' "$@"\n`,
      { mode: 0o755 },
    );
    const files = JSON.stringify([{ uri: uri('b.my'), diagnostics: [diag(1, 0)] }]);
    const run = await launcher(['exec', 'mycc', files], {
      env: { ...env, PATH: `${bin}${path.delimiter}${env.PATH}` },
      cwd: root,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(await driver()).toMatchObject({ name: 'mycc', version: '1.0.0' });
  });

  // Protocol §3: a batch compiler may send its hello and its diagnostics in one write and be
  // gone before the hello's answer can be written. mycc, a shell script, hands its socket to a
  // client started beforehand, which stops the launcher until all of it, the close too, is on
  // the socket. Such a run is meant to end within the 50 ms after which a run registers anyway,
  // so that only its connection can register the session and keep what it published; a run that
  // takes longer on a busy machine is registered anyway, hence several runs.
  it('keeps what a compiler publishes right behind its hello before hanging up at once', async () => {
    for (let run = 0; run < 6; run++) {
      const { env, root, uri } = project();
      const fifos = tempDir();
      for (const name of ['request', 'done']) execFileSync('mkfifo', [path.join(fifos, name)]);
      const client = spawn(process.execPath, [PIPELINED, uri('a.my'), fifos], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await once(client.stdout!, 'data');
        placeVersion(env.LAUNCHER_HOME!, '1.4.2', {
          script:
            '#!/bin/sh\n' +
            `printf '%s %s %s %s\\n' "$LAUNCHER_SOCKET" "$LAUNCHER_TOKEN" $$ $PPID > '${fifos}/request'\n` +
            `read -r answer < '${fifos}/done'\nexit 1\n`,
        });
        expect(await launcher(['exec', 'mycc'], { env, cwd: root })).toMatchObject({
          code: 1,
          stderr: '',
        });
        const r = await launcher(['diagnostics', '--json'], { env, cwd: root });
        expect({ run, kept: JSON.parse(r.stdout) }).toEqual({
          run,
          kept: [
            {
              uri: uri('a.my'),
              diagnostics: [diag(0, 0, { code: undefined, message: 'fast error' })],
            },
          ],
        });
      } finally {
        client.kill();
      }
    }
  });

  // A run whose diagnostics cannot be written still ends: with the child's code, a warning, and
  // no session left behind (its control socket kept the launcher alive for ever).
  it('ends a run with the child’s code and a warning when its diagnostics cannot be kept', async () => {
    const { env, root, uri } = project();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', {
      script: `#!/bin/sh\n'${process.execPath}' '${PUBLISH}' "$@"\nexit 3\n`,
    });
    // A directory where the kept file goes: no write can replace it.
    const kept = keptDiagnosticsFile(launcherPaths(env), root);
    mkdirSync(kept, { recursive: true });
    const files = JSON.stringify([{ uri: uri('a.my'), diagnostics: [diag(0, 0)] }]);
    const r = await launcher(['exec', 'mycc', files], { env, cwd: root, timeout: 20_000 });
    expect(r).toMatchObject({ code: 3, signal: null });
    // Told when the first write fails, then at the end in short, as the reason is the same.
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        '^launcher: warning: the diagnostics of this run cannot be kept for now \\(launcher tries again at their next change\\): ' +
          `cannot use ${kept} \\(rename\\): it is a directory\\. Move that directory away`,
      ),
    );
    expect(lines[1]).toBe(
      'launcher: warning: the last diagnostics of this run were not kept either, for the same reason',
    );
    expect(listSessions(launcherPaths(env))).toEqual([]);
  });

  it('says once that a run’s diagnostics cannot be kept, and keeps them once it can again', async () => {
    const { env, root, uri } = project();
    const steps = path.join(tempDir(), 'steps');
    execFileSync('mkfifo', [steps]);
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', {
      script: `#!/bin/sh
exec '${process.execPath}' '${PUBLISH}' "$@"
`,
    });
    const kept = keptDiagnosticsFile(launcherPaths(env), root);
    mkdirSync(kept, { recursive: true });
    const files = ['a.my', 'b.my', 'c.my'].map((name, i) => ({
      uri: uri(name),
      diagnostics: [diag(i, 0)],
    }));
    const run = spawn(process.execPath, [LAUNCHER_BIN, 'exec', 'mycc', JSON.stringify(files)], {
      env: { ...env, PUBLISH_STEPS: steps },
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    run.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    onTestFinished(() => {
      run.kill('SIGKILL');
    });
    const exited = once(run, 'close');
    // a.my's write failed; b.my's fails too, unsaid.
    await expect.poll(() => stderr, { timeout: 15_000 }).toContain('cannot be kept for now');
    await writeFile(steps, 'next\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The way clear again, c.my's write puts all three in place.
    rmSync(kept, { recursive: true });
    await writeFile(steps, 'next\n');
    expect(await exited).toEqual([0, null]);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^launcher: warning: the diagnostics of this run cannot be kept for now .*it is a directory/,
      ),
    ]);
    const r = await launcher(['diagnostics', '--json'], { env, cwd: root });
    expect(JSON.parse(r.stdout)).toEqual(files);
  });

  it('finds the project of --dir instead of the cwd', async () => {
    const { env, sub, keep } = project();
    keep({ 'a.my': [diag(0, 0)] });
    const elsewhere = tempDir('launcher-elsewhere-');
    const r = await launcher(['diagnostics', '--json', '--dir', sub], { env, cwd: elsewhere });
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    const here = await launcher(['diagnostics', '--json'], { env, cwd: elsewhere });
    expect(JSON.parse(here.stdout)).toEqual([]);
  });

  it('uses the directory itself as the project when no version is set anywhere', async () => {
    const { env, root, sub, keep } = project(false);
    keep({ 'a.my': [diag(0, 0)] });
    const atRoot = await launcher(['diagnostics', '--json'], { env, cwd: root });
    expect(JSON.parse(atRoot.stdout)).toHaveLength(1);
    const below = await launcher(['diagnostics', '--json'], { env, cwd: sub });
    expect(JSON.parse(below.stdout)).toEqual([]);
  });

  it('prints text by default, and says so when nothing is kept', async () => {
    const { env, root, keep } = project();
    const none = await launcher(['diagnostics'], { env, cwd: root });
    expect(none).toMatchObject({ code: 0, stdout: `no diagnostics kept for ${root}\n` });
    keep({ 'a.my': [diag(1, 2)] });
    const some = await launcher(['diagnostics'], { env, cwd: root });
    expect(some.stdout).toBe('a.my:2:3: error MYCC001: undefined name\n');
  });

  it('refuses an unknown format or two formats at once (exit 2)', async () => {
    const { env, root } = project();
    const unknown = await launcher(['diagnostics', '--format', 'xml'], { env, cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown diagnostics format "xml"\n\n.*--format tsc/);
    const both = await launcher(['diagnostics', '--json', '--format', 'tsc'], { env, cwd: root });
    expect(both.code).toBe(2);
    const badDir = await launcher(['diagnostics', '--dir', 'missing'], { env, cwd: root });
    expect(badDir.code).toBe(2);
    expect(badDir.stderr).toContain(`${path.join(root, 'missing')} is not a directory`);
  });

  it('reports a bad version file instead of guessing the project (exit 2)', async () => {
    const { env, root } = project(false);
    writeFileSync(path.join(root, '.tool-version'), 'not/a/version\n');
    const r = await launcher(['diagnostics'], { env, cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(root, '.tool-version'));
  });

  it('refuses a diagnostic with malformed relatedInformation on the wire, so no format fails on it', async () => {
    const { root, uri, publish, env } = project();
    const bad = diag(0, 0, { relatedInformation: [{ message: 'no location' }] as never });
    const run = await publish([
      { uri: uri('a.my'), diagnostics: [bad] },
      { uri: uri('b.my'), diagnostics: [diag(1, 1)] },
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('dropped textDocument/publishDiagnostics from mycc');
    expect(run.stderr).toContain('diagnostics[0]: "relatedInformation" must be an array of');
    // The valid notification was kept; the invalid one left nothing behind to trip over.
    for (const format of ['tsc', 'sarif', 'json', 'text']) {
      const r = await launcher(['diagnostics', '--format', format], { env, cwd: root });
      expect({ format, code: r.code, stderr: r.stderr }).toEqual({ format, code: 0, stderr: '' });
      expect(r.stdout).toContain('b.my');
      expect(r.stdout).not.toContain('a.my');
    }
  });

  it('leaves out a kept diagnostic whose relatedInformation is malformed, in every format', async () => {
    const { root, uri, env, writeKept } = project();
    const good = diag(2, 0, {
      relatedInformation: [
        { location: { uri: uri('b.my'), range: diag(0, 0).range }, message: 'here' },
      ],
    });
    writeKept({
      [uri('a.my')]: [
        diag(0, 0, { relatedInformation: [{ message: 'no location' }] as never }),
        diag(1, 0, { relatedInformation: [{ location: { uri: 7 }, message: 'bad' }] as never }),
        diag(2, 0, { relatedInformation: 'not a list' as never }),
        good,
      ],
    });
    const tsc = await launcher(['diagnostics', '--format', 'tsc'], { env, cwd: root });
    expect(tsc).toMatchObject({ code: 0, stderr: '' });
    expect(tsc.stdout).toBe(
      'a.my(3,1): error TS001: [MYCC001] undefined name\n    b.my(1,1): here\n',
    );
    const sarif = await launcher(['diagnostics', '--format', 'sarif'], { env, cwd: root });
    expect(sarif).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(1);
    const json = await launcher(['diagnostics', '--json'], { env, cwd: root });
    expect(JSON.parse(json.stdout)).toEqual([{ uri: uri('a.my'), diagnostics: [good] }]);
  });

  it('reads null optional fields as absent: what the compiler got accepted is shown', async () => {
    const { root, uri, publish, env, writeKept } = project();
    const nulls = { code: null, severity: null, source: null, relatedInformation: null };
    const run = await publish([
      { uri: uri('a.my'), diagnostics: [{ ...diag(0, 0), ...nulls, data: null }] },
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const plain = { range: diag(0, 0).range, message: 'undefined name', data: null };
    const json = await launcher(['diagnostics', '--json'], { env, cwd: root });
    expect(JSON.parse(json.stdout)).toEqual([{ uri: uri('a.my'), diagnostics: [plain] }]);
    const tsc = await launcher(['diagnostics', '--format', 'tsc'], { env, cwd: root });
    expect(tsc.stdout).toBe('a.my(1,1): error TS0: undefined name\n');

    // A kept file with nulls (an older launcher kept them as they came) reads the same way.
    writeKept({ [uri('b.my')]: [{ ...diag(1, 0), code: null, severity: null }] });
    const again = await launcher(['diagnostics', '--json'], { env, cwd: root });
    expect(JSON.parse(again.stdout)).toEqual([
      { uri: uri('b.my'), diagnostics: [{ range: diag(1, 0).range, message: 'undefined name' }] },
    ]);
  });

  it('says so when the kept file exists but cannot be read, instead of "nothing kept"', async () => {
    const { env, root, keep } = project();
    keep({ 'a.my': [diag(0, 0)] });
    const file = keptDiagnosticsFile(launcherPaths(env), root);
    chmodSync(file, 0o000);
    const home = env.LAUNCHER_HOME!;
    const user = asUserWithoutPrivileges(home, path.join(home, 'state'), path.dirname(file), root);
    for (const args of [['diagnostics'], ['diagnostics', '--json']]) {
      const r = await launcher(args, { env, cwd: root, ...user });
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(r.stderr).toBe(
        `launcher: cannot read the kept diagnostics ${file}: permission denied\n\n` +
          'It should be a file of yours (mode 0600) in a directory of yours (mode 0700). Fix ' +
          "that, or delete it to start afresh: the compiler's next run writes it again.\n",
      );
    }
  });

  it('--watch ends with the same error when the kept file cannot be read', async () => {
    const { env, root } = project();
    const file = keptDiagnosticsFile(launcherPaths(env), root);
    mkdirSync(file, { recursive: true }); // a directory in its place: unreadable for root too
    const r = await launcher(['diagnostics', '--watch', '--format', 'tsc'], { env, cwd: root });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain(
      `cannot read the kept diagnostics ${file}: it is a directory, not a file`,
    );
  });

  it('--watch --json streams the set on every change, across sessions, until SIGINT (exit 130)', async () => {
    const { env, sub, uri, keep } = project();
    keep({ 'a.my': [diag(0, 0)] });
    const child = spawn(process.execPath, [LAUNCHER_BIN, 'diagnostics', '--watch', '--json'], {
      env,
      cwd: sub,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async () => JSON.parse((await lines.next()).value as string);
    try {
      expect(await nextLine()).toEqual([{ uri: uri('a.my'), diagnostics: [diag(0, 0)] }]);
      keep({ 'a.my': [diag(5, 5, { message: 'changed' })] }); // the compiler, again
      expect(await nextLine()).toEqual([
        { uri: uri('a.my'), diagnostics: [diag(5, 5, { message: 'changed' })] },
      ]);
      // Each step is one write, so no intermediate state can show up between two lines.
      keep({ 'a.my': [] });
      expect(await nextLine()).toEqual([]);
      keep({ 'b.my': [diag(1, 1)] }); // a new session after a restart
      expect(await nextLine()).toEqual([{ uri: uri('b.my'), diagnostics: [diag(1, 1)] }]);
    } finally {
      child.kill('SIGINT');
    }
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal, stderr }).toEqual({ code: 130, signal: null, stderr: '' });
  });

  it('--watch --format tsc frames each set with tsc’s watch markers', async () => {
    const { env, root, keep } = project();
    const child = spawn(
      process.execPath,
      [LAUNCHER_BIN, 'diagnostics', '--watch', '--format', 'tsc'],
      { env, cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async () => (await lines.next()).value as string;
    try {
      expect(await nextLine()).toMatch(
        /^\d\d:\d\d:\d\d - Starting compilation in watch mode\.\.\.$/,
      );
      expect(await nextLine()).toMatch(/ - Found 0 errors\. Watching for file changes\.$/);
      keep({ 'a.my': [diag(0, 0)] });
      expect(await nextLine()).toMatch(
        / - File change detected\. Starting incremental compilation/,
      );
      expect(await nextLine()).toBe('a.my(1,1): error TS001: [MYCC001] undefined name');
      expect(await nextLine()).toMatch(/ - Found 1 error\. Watching for file changes\.$/);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(143);
  });
});
