// mycc under the real Supervisor: the hello, the reported port, diagnostics on every change,
// a crash restarted by the default policy, a graceful stop, and `check` publishing.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PublishDiagnosticsParams } from '../../src/supervisor/index.js';
import { tempDir } from '../helpers/env.js';
import { nextEvent, record, supervise } from '../supervisor/helpers.js';
import { SAMPLES, useSampleDist } from './sample-fixture.js';

const { bin } = useSampleDist();

/** A project directory holding copies of the named samples. */
function project(...samples: string[]): string {
  const dir = tempDir('mycc-supervised-');
  for (const sample of samples) copyFileSync(path.join(SAMPLES, sample), path.join(dir, sample));
  return dir;
}

const uriOf = (dir: string, file: string) => pathToFileURL(path.join(dir, file)).href;
const codes = (params: PublishDiagnosticsParams) => params.diagnostics.map((d) => d.code);

describe('mycc supervised', () => {
  it('says hello as a server, reports its port, and republishes diagnostics when a file changes', async () => {
    const dir = project('broken.my', 'hello.my');
    const { supervisor } = supervise({ command: bin('1.5.0'), args: ['serve'] }, { cwd: dir });
    const connected = nextEvent(supervisor, 'connected');
    const ready = nextEvent(supervisor, 'ready');
    const broken = nextEvent(supervisor, 'diagnostics', (p) => p.uri === uriOf(dir, 'broken.my'));
    const clean = nextEvent(supervisor, 'diagnostics', (p) => p.uri === uriOf(dir, 'hello.my'));
    await supervisor.start();

    expect((await connected)[0]).toMatchObject({
      name: 'mycc',
      version: '1.5.0',
      server: true,
      protocolVersion: 1,
    });
    const [info] = await ready;
    expect(info).toEqual({
      port: expect.any(Number),
      host: '127.0.0.1',
      url: `http://127.0.0.1:${info.port}/`,
    });
    const served = (await (await fetch(info.url!)).json()) as { version: string; errors: number };
    expect(served).toMatchObject({ version: '1.5.0', errors: 3 });
    expect(codes((await broken)[0])).toEqual(['MYCC001', 'MYCC002', 'MYCC003']);
    expect((await clean)[0].diagnostics).toEqual([]);

    const fixed = nextEvent(
      supervisor,
      'diagnostics',
      (p) => p.uri === uriOf(dir, 'broken.my') && p.diagnostics.length === 1,
    );
    writeFileSync(path.join(dir, 'broken.my'), 'let total = 4\nlet spare = 1\nprint(total)\n');
    expect((await fixed)[0].diagnostics[0]).toMatchObject({
      code: 'MYCC101',
      severity: 2,
      range: { start: { line: 1, character: 4 }, end: { line: 1, character: 9 } },
    });
    await expect(supervisor.request('mycc/snapshot')).resolves.toMatchObject({
      version: '1.5.0',
      errors: 0,
      warnings: 1,
    });

    const exits = record(supervisor, 'exit');
    await supervisor.stop('test done');
    expect(exits).toEqual([[expect.objectContaining({ code: 0, signal: null, cause: 'stopped' })]]);
  });

  it('is restarted after GET /crash kills it with SIGSEGV, and reports its new port', async () => {
    const dir = project('hello.my');
    const { supervisor } = supervise({ command: bin('2.0.0'), args: ['serve'] }, { cwd: dir });
    const firstReady = nextEvent(supervisor, 'ready');
    await supervisor.start();
    const [first] = await firstReady;

    const crashed = nextEvent(supervisor, 'exit');
    const restarting = nextEvent(supervisor, 'restarting');
    const secondReady = nextEvent(supervisor, 'ready');
    expect((await fetch(`${first.url}crash`)).status).toBe(202);
    expect((await crashed)[0]).toMatchObject({ code: null, signal: 'SIGSEGV', cause: 'killed' });
    expect((await restarting)[0]).toMatchObject({ cause: 'killed', attempt: 1 });
    const [second] = await secondReady;
    expect(second.port).toBeGreaterThan(0);
    expect(supervisor.snapshot()).toMatchObject({ state: 'ready', restarts: 1, port: second.port });
    expect(((await (await fetch(second.url!)).json()) as { version: string }).version).toBe(
      '2.0.0',
    );
  });

  it('publishes what `check` finds, file by file, and ends with exit 1 that is not restarted', async () => {
    const dir = project('broken.my', 'hello.my');
    const { supervisor } = supervise(
      { command: bin('1.4.2'), args: ['check', 'hello.my', 'broken.my'] },
      { cwd: dir },
    );
    const published = record(supervisor, 'diagnostics');
    await supervisor.start();
    expect(await supervisor.wait()).toEqual({
      code: 1,
      signal: null,
      cause: 'failed',
      restarts: 0,
    });
    expect(published.map(([p]) => [p.uri, codes(p)])).toEqual([
      [uriOf(dir, 'hello.my'), []],
      [uriOf(dir, 'broken.my'), ['MYCC001', 'MYCC002', 'MYCC003']],
    ]);
  });
});
