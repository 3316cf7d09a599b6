// The Python example client passes the same handshake and stop as the Node worker library.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { nextEvent, record, supervise } from '../supervisor/helpers.js';

const CLIENT = path.join(REPO_ROOT, 'examples', 'python-client', 'launcher_client.py');

describe('the Python example client', () => {
  it('connects with its token, reports ready and diagnostics, answers requests and stops gracefully', async () => {
    const { supervisor, line, stdout } = supervise({ command: 'python3', args: [CLIENT] });
    const connected = nextEvent(supervisor, 'connected');
    const ready = nextEvent(supervisor, 'ready');
    const diagnostics = record(supervisor, 'diagnostics');
    const logs = record(supervisor, 'log');
    await supervisor.start();
    const [hello] = await connected;
    expect(hello).toMatchObject({
      name: 'py-example',
      server: true,
      heartbeatMs: 200,
      protocolVersion: 1,
    });
    expect(await line(/^connected/)).toBe(`connected, session ${supervisor.session}`);
    const [info] = await ready;
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/`);
    const body = await (await fetch(info.url!)).text();
    expect(body).toBe('hello from python\n');
    expect(diagnostics[0]?.[0]).toMatchObject({ uri: 'file:///example/main.py', version: 1 });
    expect(logs[0]?.[0]).toEqual({
      level: 'info',
      message: `python example serving on ${info.port}`,
    });
    await expect(supervisor.request('example/echo', [1, 2])).resolves.toEqual({ echoed: [1, 2] });
    await expect(supervisor.request('launcher/ping')).resolves.toEqual({});
    await expect(supervisor.request('example/nothing')).rejects.toMatchObject({ code: -32601 });
    await supervisor.stop('the test is over');
    expect(await supervisor.wait()).toMatchObject({ code: 0, signal: null, cause: 'stopped' });
    expect(stdout()).toContain('stopping: the test is over\n');
  });

  it('reads the hello’s answer first, even when a connected listener sends a request at once', async () => {
    const { supervisor } = supervise({ command: 'python3', args: [CLIENT] });
    const answer = new Promise((resolve, reject) =>
      supervisor.once('connected', () => supervisor.request('launcher/ping').then(resolve, reject)),
    );
    await supervisor.start();
    await expect(answer).resolves.toEqual({});
    await supervisor.stop('the test is over');
    expect(await supervisor.wait()).toMatchObject({ code: 0, signal: null, cause: 'stopped' });
  });
});
