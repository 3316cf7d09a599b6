// Telling a crash from a restart someone asked for, by the states a session passes through.
import { describe, expect, it } from 'vitest';
import { MessageType, SessionNotices } from '../../src/lsp/session-notices.js';
import type { Session, SessionState } from '../../src/session/session.js';

function session(state: SessionState, restarts: number): Session {
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
    port: null,
    restarts,
    startedAt: '2026-01-10T09:30:00.000Z',
    control: null,
  };
}

/** The notices of a sequence of states, [state, restarts] each, the first being the start. */
function notices(...steps: [SessionState, number][]) {
  const [first, ...rest] = steps.map(([state, restarts]) => session(state, restarts));
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

  it('reports giving up once', () => {
    expect(notices(['ready', 4], ['failed', 4], ['failed', 4])).toEqual([
      {
        type: MessageType.Error,
        message: 'mycc 1.4.2 keeps crashing; launcher gave up after 4 restarts.',
      },
    ]);
  });
});
