// `mycc serve` standalone (no launcher): the HTTP view, recompiling on change, stopping, crashing.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../examples/mycc/src/http-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { SAMPLES, useSampleDist } from './sample-fixture.js';

const { bin } = useSampleDist();
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Served {
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  child: ChildProcess;
}

/** Starts `mycc serve` in `dir` and resolves once it printed the address it listens on. */
async function serveIn(
  dir: string,
  version = '2.0.0',
  env: NodeJS.ProcessEnv = {},
): Promise<Served> {
  const child = spawn(bin(version), ['serve'], {
    cwd: dir,
    env: cleanEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`mycc serve exited early:\n${stderr}`)));
  });
  return { url, stderr: () => stderr, exited, child };
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/** Long-polls `GET /?after=N`, one generation at a time, until the snapshot satisfies `test`. */
async function snapshotWhere(url: string, test: (s: Snapshot) => boolean): Promise<Snapshot> {
  let snapshot = (await getJson<Snapshot>(url)).body;
  while (!test(snapshot))
    snapshot = (await getJson<Snapshot>(`${url}?after=${snapshot.generation}`)).body;
  return snapshot;
}

const codesOf = (s: Snapshot, file: string) =>
  s.files.find((f) => f.file === file)?.diagnostics.map((d) => d.code);

describe('mycc serve, standalone', () => {
  it('serves the compiled project on a loopback port and recompiles when files change', async () => {
    const dir = tempDir('mycc-project-');
    copyFileSync(path.join(SAMPLES, 'broken.my'), path.join(dir, 'main.my'));
    copyFileSync(path.join(SAMPLES, 'hello.my'), path.join(dir, 'hello.my'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a source file');
    const served = await serveIn(dir);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/$/);

    const first = (await getJson<Snapshot>(served.url)).body;
    expect(first).toMatchObject({
      tool: 'mycc',
      version: '2.0.0',
      root: dir,
      errors: 3,
      warnings: 0,
    });
    expect(first.files.map((f) => f.file)).toEqual(['hello.my', 'main.my']);
    expect(codesOf(first, 'main.my')).toEqual(['MYCC001', 'MYCC002', 'MYCC003']);
    expect(first.files[0]).toMatchObject({ output: ['hello, world', 'twice the length: 10'] });

    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is mycc source, not a JS template
    writeFileSync(path.join(dir, 'main.my'), 'let total = 4 * 10\nprint(`${total} items`)\n');
    const fixed = await snapshotWhere(served.url, (s) => s.errors === 0);
    expect(fixed.generation).toBeGreaterThan(first.generation);
    expect(fixed.files.find((f) => f.file === 'main.my')).toMatchObject({
      diagnostics: [],
      output: ['40 items'],
    });

    writeFileSync(path.join(dir, 'extra.my'), 'let spare = 1\nprint(missing)\n');
    const added = await snapshotWhere(served.url, (s) => s.files.length === 3);
    expect(codesOf(added, 'extra.my')).toEqual(['MYCC101', 'MYCC001']);
    const diagnostics = (
      await getJson<Array<{ uri: string; diagnostics: unknown[] }>>(`${served.url}diagnostics`)
    ).body;
    expect(diagnostics.map((d) => d.uri)).toEqual(
      ['extra.my', 'hello.my', 'main.my'].map((f) => `file://${dir}/${f}`),
    );

    rmSync(path.join(dir, 'extra.my'));
    await snapshotWhere(served.url, (s) => s.files.length === 2 && s.errors === 0);

    served.child.kill('SIGTERM');
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.stderr()).toContain('stopping (SIGTERM)');
  });

  it('dies of SIGSEGV on GET /crash, a signal nobody sent it', async () => {
    const served = await serveIn(tempDir('mycc-project-'), '1.4.2');
    const response = await getJson<{ crashing: string }>(`${served.url}crash`);
    expect(response).toEqual({ status: 202, body: { crashing: 'SIGSEGV' } });
    expect(await served.exited).toEqual({ code: null, signal: 'SIGSEGV' });
  });

  it('refuses GET /crash with an unknown signal and keeps serving', async () => {
    const served = await serveIn(tempDir('mycc-project-'), '1.4.2');
    expect((await getJson(`${served.url}crash?signal=SIGNOPE`)).status).toBe(400);
    expect((await getJson<Snapshot>(served.url)).body.version).toBe('1.4.2');
  });

  it('crashes unprompted after MYCC_CRASH_AFTER_MS with the MYCC_CRASH_SIGNAL signal', async () => {
    const served = await serveIn(tempDir('mycc-project-'), '1.5.0', {
      MYCC_CRASH_AFTER_MS: '50',
      MYCC_CRASH_SIGNAL: 'SIGKILL',
    });
    expect(await served.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(served.stderr()).toContain('crashing on purpose with SIGKILL');
  });

  it('refuses to serve a directory that does not exist, exiting 2', async () => {
    const missing = path.join(tempDir(), 'nope');
    const child = spawn(bin('1.4.2'), ['serve', missing], { env: cleanEnv(), stdio: 'ignore' });
    children.push(child);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});
