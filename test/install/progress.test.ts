// Download progress: a bar on a terminal (bytes, total, rate), plain lines otherwise, nothing
// when quiet. The clock is the only thing faked.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, fitBarLine, formatBytes } from '../../src/install/progress.js';

function capture(tty: boolean, columns?: number) {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns });
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('download progress', () => {
  it('redraws a bar with bytes, total, percentage and rate on a terminal, at most ten times a second', () => {
    const out = capture(true);
    const time = clock();
    const progress = createProgress(out.stream, { label: 'mycc 1.4.2', now: time.now });
    progress.start('https://x/a.tgz', 4 * 1024 * 1024, 0);
    time.advance(1000);
    progress.advance(1024 * 1024);
    progress.advance(1);
    time.advance(1000);
    progress.advance(1024 * 1024 - 1);
    progress.finish();
    const frames = out.text().split('\r').filter(Boolean);
    expect(frames).toHaveLength(4);
    expect(frames[1]).toBe(
      `mycc 1.4.2 [######------------------] 25% 1.0 MiB/4.0 MiB 1.0 MiB/s\x1b[K`,
    );
    expect(frames[2]).toContain('50% 2.0 MiB/4.0 MiB 1.0 MiB/s');
    expect(out.text().endsWith('\n')).toBe(true);
  });

  it('fits the line to the terminal: a shorter bar, then without bar, rate, size and label, then cut', () => {
    const parts = {
      label: 'mycc 1.4.2',
      bar: 0.25,
      percent: '25%',
      size: '1.0 MiB/4.0 MiB',
      rate: '1.0 MiB/s',
    };
    const full = 'mycc 1.4.2 [######------------------] 25% 1.0 MiB/4.0 MiB 1.0 MiB/s';
    expect(fitBarLine(parts, undefined)).toBe(full);
    expect(fitBarLine(parts, full.length)).toBe(full);
    expect(fitBarLine(parts, 60)).toBe(
      'mycc 1.4.2 [####-------------] 25% 1.0 MiB/4.0 MiB 1.0 MiB/s',
    );
    expect(fitBarLine(parts, 45)).toBe('mycc 1.4.2 25% 1.0 MiB/4.0 MiB 1.0 MiB/s');
    expect(fitBarLine(parts, 39)).toBe('mycc 1.4.2 25% 1.0 MiB/4.0 MiB');
    expect(fitBarLine(parts, 19)).toBe('mycc 1.4.2 25%');
    expect(fitBarLine(parts, 10)).toBe('25%');
    expect(fitBarLine(parts, 2)).toBe('25');
    // Without a total there is no bar nor percentage: the size is what stays.
    const unsized = { label: 'mycc 1.4.2', size: '3.0 MiB', rate: '1.0 MiB/s' };
    expect(fitBarLine(unsized, 20)).toBe('mycc 1.4.2 3.0 MiB');
    expect(fitBarLine(unsized, 12)).toBe('3.0 MiB');
  });

  it('draws every frame within the columns of a narrow terminal, and again at once when it narrows', () => {
    const out = capture(true, 20);
    const time = clock();
    const progress = createProgress(out.stream, { label: 'mycc 1.4.2', now: time.now });
    progress.start('https://x/a.tgz', 4 * 1024 * 1024, 0);
    for (let i = 0; i < 8; i++) {
      time.advance(200);
      progress.advance(512 * 1024);
    }
    out.stream.columns = 8;
    out.stream.emit('resize');
    progress.finish();
    const frames = out.text().split('\r').filter(Boolean);
    // One column is kept free: a line that fills the last one wraps on some terminals.
    for (const frame of frames)
      expect(frame.replace('\x1b[K', '').trimEnd().length).toBeLessThan(20);
    expect(frames.at(-3)).toBe('mycc 1.4.2 100%\x1b[K');
    expect(frames.at(-2)).toBe('100%\x1b[K');
    expect(out.text().endsWith('\n')).toBe(true);
    expect(out.stream.listenerCount('resize')).toBe(0);
  });

  it('ends a bar the download left unfinished with a newline, and nothing else', () => {
    const out = capture(true);
    const time = clock();
    const progress = createProgress(out.stream, { label: 'mycc 1.4.2', now: time.now });
    progress.end();
    expect(out.text()).toBe('');
    progress.start('https://x/a.tgz', 4096, 0);
    time.advance(1000);
    progress.advance(1024);
    progress.end();
    expect(out.text()).toMatch(/25% 1\.0 KiB\/4\.0 KiB .*\x1b\[K\n$/);
    progress.end();
    expect(out.text().match(/\n/g)).toHaveLength(1);
    expect(out.stream.listenerCount('resize')).toBe(0);
    // After a finished bar (its own newline) or a note (which ends the line), nothing more.
    const done = capture(true);
    const finished = createProgress(done.stream, { label: 'mycc 1.4.2', now: clock().now });
    finished.start('https://x/a.tgz', 4096, 0);
    finished.finish();
    finished.note('stopped');
    finished.end();
    expect(done.text().match(/\n/g)).toHaveLength(2);
  });

  it('writes a line when it starts and one when it ends, when the output is not a terminal', () => {
    const out = capture(false);
    const time = clock();
    const progress = createProgress(out.stream, { label: 'mycc 1.4.2', now: time.now });
    progress.start('https://x/a.tgz', 2048, 1024);
    progress.advance(1024);
    time.advance(500);
    progress.finish();
    expect(out.text()).toBe(
      'downloading mycc 1.4.2 from https://x/a.tgz (2.0 KiB, resuming at 1.0 KiB)\n' +
        'downloaded 1.0 KiB in 0.5 s (2.0 KiB/s)\n',
    );
  });

  it('writes the same plain lines on a terminal whose TERM is dumb, which cannot redraw a line', () => {
    const lines = (tty: boolean, term: string | undefined) => {
      const out = capture(tty);
      const time = clock();
      const progress = createProgress(out.stream, { label: 'mycc 1.4.2', term, now: time.now });
      progress.start('https://x/a.tgz', 2048, 0);
      time.advance(500);
      progress.advance(1024);
      progress.note('retrying');
      progress.advance(1024);
      progress.finish();
      out.stream.emit('resize');
      return out.text();
    };
    const plain = lines(false, undefined);
    expect(plain).toBe(
      'downloading mycc 1.4.2 from https://x/a.tgz (2.0 KiB)\n' +
        'retrying\n' +
        'downloaded 2.0 KiB in 0.5 s (4.0 KiB/s)\n',
    );
    expect(lines(true, 'dumb')).toBe(plain);
    expect(lines(true, 'xterm')).toContain('\x1b[K');
  });

  it('writes nothing when quiet or without a stream', () => {
    const out = capture(true);
    for (const progress of [
      createProgress(out.stream, { label: 'x', quiet: true }),
      createProgress(null, { label: 'x' }),
    ]) {
      progress.start('u', 10, 0);
      progress.advance(10);
      progress.note('retrying');
      progress.finish();
    }
    expect(out.text()).toBe('');
  });

  it('formats sizes in binary units', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '5.0 GiB',
    ]);
  });

  it('rounds a rate below 1 KiB/s to whole bytes, on a terminal and in the closing line', () => {
    expect([128.19732934165575, 1023.4, 1023.6].map(formatBytes)).toEqual([
      '128 B',
      '1023 B',
      '1.0 KiB',
    ]);
    for (const tty of [true, false]) {
      const out = capture(tty);
      const time = clock();
      const progress = createProgress(out.stream, { label: 'mycc 1.4.2', now: time.now });
      progress.start('https://x/a.tgz', 1000, 0);
      progress.advance(1000);
      time.advance(3000);
      progress.finish();
      // 1000 bytes in 3 s: 333.33… B/s.
      expect(out.text()).toContain('333 B/s');
      expect(out.text()).not.toMatch(/\d\.\d+ B/);
    }
  });
});
