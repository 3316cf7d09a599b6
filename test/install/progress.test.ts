// Download progress: a bar on a terminal (bytes, total, rate), plain lines otherwise, nothing
// when quiet. The clock is the only thing faked.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatBytes } from '../../src/install/progress.js';

function capture(tty: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY: tty });
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
