// Telling a crash from a restart someone asked for, by the states a session passes through.
import { describe, expect, it } from 'vitest';
import {
  MessageType,
  SessionNotices,
  type StartedEnd,
  startedEndNotice,
} from '../../src/lsp/session-notices.js';
import type { Session, SessionState } from '../../src/session/session.js';

function session(state: SessionState, restarts: number, port: number | null = null): Session {
  return {
    session: '3f9c0a51d2e4b687',
    pid: 100,
    childPid: state === 'backoff' ? null : 101,
    tool: 'mycc',
    bin: 'mycc',
    version: '1.4.2',
    cwd: '/p',
    projectRoot: '/p',
    state,
    port,
    restarts,
    startedAt: '2026-01-10T09:30:00.000Z',
    control: null,
  };
}

/**
 * The notices of a sequence of states, [state, restarts, port?] each, the first being the start.
 */
function notices(...steps: [SessionState, number, (number | null)?][]) {
  const [first, ...rest] = steps.map(([state, restarts, port]) => session(state, restarts, port));
  const watch = new SessionNotices(first!);
  return rest.map((s) => watch.next(s)).filter((n) => n !== undefined);
}

describe('SessionNotices', () => {
  it('reports a crash: the restart came after a backoff', () => {
    expect(notices(['ready', 0], ['backoff', 0], ['starting', 1], ['ready', 1])).toEqual([
      {
        type: MessageType.Warning,
        message: 'mycc 1.4.2 stopped unexpectedly and was restarted (restart 1).',
      },
    ]);
  });

  it('reports a hung child stopped and restarted as a crash too', () => {
    expect(notices(['ready', 0], ['stopping', 0], ['backoff', 0], ['starting', 1])).toEqual([
      expect.objectContaining({ type: MessageType.Warning }),
    ]);
  });

  it('reports a restart someone asked for as such: stopping, then starting', () => {
    expect(notices(['ready', 2], ['stopping', 2], ['starting', 3], ['ready', 3])).toEqual([
      { type: MessageType.Info, message: 'mycc 1.4.2 was restarted as requested (restart 3).' },
    ]);
  });

  it('says only "restarted" when it saw nothing in between', () => {
    expect(notices(['ready', 0], ['ready', 1])).toEqual([
      { type: MessageType.Info, message: 'mycc 1.4.2 was restarted (restart 1).' },
    ]);
  });

  it('tells each restart by its own states', () => {
    const steps: [SessionState, number][] = [
      ['ready', 0],
      ['backoff', 0],
      ['starting', 1],
      ['ready', 1],
      ['stopping', 1],
      ['starting', 2],
    ];
    expect(notices(...steps).map((n) => n.type)).toEqual([MessageType.Warning, MessageType.Info]);
  });

  it('reports giving up once, after restarts that followed crashes', () => {
    const steps: [SessionState, number][] = [
      ['ready', 3],
      ['backoff', 3],
      ['starting', 4],
      ['failed', 4],
      ['failed', 4],
    ];
    expect(notices(...steps).slice(1)).toEqual([
      {
        type: MessageType.Error,
        message: 'mycc 1.4.2 keeps crashing; launcher gave up after 4 restarts.',
      },
    ]);
    expect(notices(['ready', 0], ['backoff', 0], ['starting', 1], ['failed', 1])[1]).toEqual({
      type: MessageType.Error,
      message: 'mycc 1.4.2 keeps crashing; launcher gave up after 1 restart.',
    });
  });

  it('reports one failed run of a server as a warning, not as giving up', () => {
    const failed = { type: MessageType.Warning, message: 'mycc 1.4.2 ended with an error.' };
    // A compiler server (it reported a port) that exited 3, never restarted.
    expect(notices(['starting', 0], ['ready', 0, 43121], ['failed', 0])).toEqual([failed]);
    // Restarted as asked before, then failed: no crash loop either.
    const asked: [SessionState, number, number][] = [
      ['ready', 0, 43121],
      ['stopping', 0, 43121],
      ['starting', 1, 43121],
      ['failed', 1, 43121],
    ];
    expect(notices(...asked).slice(1)).toEqual([failed]);
    // Ending well says nothing.
    expect(notices(['ready', 0], ['exited', 0])).toEqual([]);
  });

  it('says nothing when a batch run fails: a check that found errors', () => {
    // `mycc check` exits 1 after publishing its errors; it never served, so no port was seen.
    expect(notices(['starting', 0], ['ready', 0], ['failed', 0])).toEqual([]);
  });

  it('leaves the end to the caller that tells it itself', () => {
    const watch = new SessionNotices(session('ready', 0), { tellsEnd: false });
    expect(watch.next(session('failed', 0))).toBeUndefined();
  });
});

describe('startedEndNotice', () => {
  const next = 'launcher lsp now follows the other runs of the project.';
  const end = (
    outcome: Partial<StartedEnd['outcome']>,
    state: StartedEnd['state'] = 'exited',
    gaveUp = false,
  ): StartedEnd => ({
    outcome: { code: 0, signal: null, cause: 'exited', restarts: 0, ...outcome },
    state,
    gaveUp,
  });

  it('tells a normal end as information', () => {
    expect(startedEndNotice('mycc 1.4.2', end({}))).toEqual({
      type: MessageType.Info,
      message: `mycc 1.4.2 exited with code 0. ${next}`,
    });
    expect(startedEndNotice('mycc 1.4.2', end({ cause: 'stopped', signal: 'SIGTERM' }))).toEqual({
      type: MessageType.Info,
      message: `mycc 1.4.2 was stopped. ${next}`,
    });
  });

  it('tells a failure as a warning, with its exit code or signal', () => {
    expect(startedEndNotice('mycc 1.4.2', end({ code: 3, cause: 'failed' }, 'failed'))).toEqual({
      type: MessageType.Warning,
      message: `mycc 1.4.2 exited with code 3. ${next}`,
    });
    const killed = end({ code: null, signal: 'SIGSEGV', cause: 'killed' }, 'failed');
    expect(startedEndNotice('mycc 1.4.2', killed).message).toBe(
      `mycc 1.4.2 was killed by SIGSEGV. ${next}`,
    );
  });

  it('tells giving up after restarts as an error', () => {
    const crashLoop = end({ code: 1, cause: 'failed', restarts: 3 }, 'failed', true);
    expect(startedEndNotice('mycc 1.4.2', crashLoop)).toEqual({
      type: MessageType.Error,
      message: `mycc 1.4.2 keeps crashing; launcher gave up after 3 restarts. ${next}`,
    });
  });
});
