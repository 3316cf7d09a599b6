// What the launcher accepts from a child: the hello and ready checks, null meaning absent.
import { describe, expect, it } from 'vitest';
import { checkHello, checkReady } from '../../src/ipc/validate.js';

const hello = { token: 'a'.repeat(64), pid: 42, protocolVersion: 1 };

describe('checkHello', () => {
  it('reads null in an optional field as absent (a Go pointer, Python None)', () => {
    const checked = checkHello({
      ...hello,
      name: null,
      version: null,
      server: null,
      heartbeatMs: null,
    });
    expect(checked).toEqual({ ok: true, value: hello });
  });

  it('still refuses an optional field of the wrong type', () => {
    expect(checkHello({ ...hello, server: 'yes' })).toMatchObject({ ok: false });
    expect(checkHello({ ...hello, heartbeatMs: '1000' })).toMatchObject({ ok: false });
  });

  it('does not take null for a required field', () => {
    expect(checkHello({ ...hello, pid: null })).toMatchObject({ ok: false });
  });

  it('refuses pid 0 and protocolVersion 0: both must be positive, and takes 1', () => {
    expect(checkHello({ ...hello, pid: 0 })).toEqual({
      ok: false,
      reason: 'hello needs "pid": a positive integer',
    });
    expect(checkHello({ ...hello, protocolVersion: 0 })).toEqual({
      ok: false,
      reason: 'hello needs "protocolVersion": a positive integer',
    });
    expect(checkHello({ ...hello, pid: 1, protocolVersion: 1 })).toMatchObject({ ok: true });
  });
});

describe('checkReady', () => {
  it('reads null host and url as absent', () => {
    expect(checkReady({ port: 4242, host: null, url: null })).toEqual({
      ok: true,
      value: { port: 4242 },
    });
  });

  it('still refuses a host that is not a string', () => {
    expect(checkReady({ port: 4242, host: 7 })).toMatchObject({ ok: false });
  });

  it('takes a port from 0 to 65535 and refuses 65536', () => {
    expect(checkReady({ port: 0 })).toEqual({ ok: true, value: { port: 0 } });
    expect(checkReady({ port: 65535 })).toEqual({ ok: true, value: { port: 65535 } });
    expect(checkReady({ port: 65536 })).toEqual({
      ok: false,
      reason: 'ready needs "port": an integer from 0 to 65535',
    });
    expect(checkReady({ port: -1 })).toMatchObject({ ok: false });
  });
});
