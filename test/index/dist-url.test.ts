// Which index URL is used, and which URLs the launcher agrees to fetch.
import { describe, expect, it } from 'vitest';
import { checkUrlAllowed, isLoopbackHost, requireDistUrl } from '../../src/index/dist-url.js';

const source = (env: NodeJS.ProcessEnv, distUrl?: string) => ({
  env,
  config: distUrl ? { distUrl } : {},
});

describe('the dist URL', () => {
  it('comes from LAUNCHER_DIST_URL before config.json', () => {
    expect(
      requireDistUrl(
        source({ LAUNCHER_DIST_URL: 'https://a.example/i.json' }, 'https://b.example/i.json'),
      ).href,
    ).toBe('https://a.example/i.json');
    expect(requireDistUrl(source({}, 'https://b.example/i.json')).href).toBe(
      'https://b.example/i.json',
    );
  });

  it('is a clear error with a hint when neither is set (exit 2)', () => {
    try {
      requireDistUrl(source({}));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_BAD_CONFIG', exitCode: 2 });
      expect((error as { hint: string }).hint).toContain('LAUNCHER_DIST_URL');
    }
  });

  it('refuses text that is not a URL', () => {
    expect(() => requireDistUrl(source({ LAUNCHER_DIST_URL: 'not a url' }))).toThrow(
      expect.objectContaining({ code: 'E_BAD_URL' }),
    );
  });
});

describe('the URL rules', () => {
  it.each([
    'https://dist.example.com/i.json',
    'file:///srv/dist/i.json',
    'http://127.0.0.1:8080/i.json',
    'http://localhost/i.json',
    'http://[::1]:9/i.json',
  ])('allows %s', (url) => {
    expect(() => checkUrlAllowed(new URL(url), {}, 'test')).not.toThrow();
  });

  it.each([
    'http://dist.example.com/i.json',
    'http://10.0.0.1/i.json',
    'ftp://dist.example.com/i.json',
    'data:,{}',
  ])('refuses %s', (url) => {
    expect(() => checkUrlAllowed(new URL(url), {}, 'test')).toThrow(
      expect.objectContaining({ code: 'E_BAD_URL', exitCode: 2 }),
    );
  });

  it('allows plain http anywhere with LAUNCHER_ALLOW_INSECURE=1, and nothing else', () => {
    expect(() =>
      checkUrlAllowed(
        new URL('http://dist.example.com/i.json'),
        { LAUNCHER_ALLOW_INSECURE: '1' },
        't',
      ),
    ).not.toThrow();
    expect(() =>
      checkUrlAllowed(
        new URL('http://dist.example.com/i.json'),
        { LAUNCHER_ALLOW_INSECURE: 'yes' },
        't',
      ),
    ).toThrow();
  });

  it('knows the loopback names', () => {
    expect(
      ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopbackHost),
    ).toBe(true);
    // *.localhost is loopback by RFC 6761, but glibc asks the network's DNS for it, whose answer
    // may be any host: plain http to it could leave the machine.
    expect(
      ['a.localhost', 'localhost.example.com', '128.0.0.1', '0.0.0.0', 'example.com'].some(
        isLoopbackHost,
      ),
    ).toBe(false);
  });
});
