// What the launcher shows of a URL, and the credentials it sends with one.
import { describe, expect, it } from 'vitest';
import { redactUrl, splitCredentials, withOriginCredentials } from '../../src/index/url-secrets.js';

describe('redactUrl', () => {
  it.each([
    ['https://alice:s3cret@dist.example.test/i.json', 'https://alice:***@dist.example.test/i.json'],
    // A lone user name is where many services put a token.
    ['https://ghtoken@dist.example.test/i.json', 'https://***@dist.example.test/i.json'],
    [
      'https://dist.example.test/i.json?token=Q&y=&sig=a%20b=c&&s3cret',
      'https://dist.example.test/i.json?token=***&y=&sig=***&&***',
    ],
    ['https://dist.example.test/a%20b/i.json', 'https://dist.example.test/a%20b/i.json'],
    ['file:///srv/dist/index.json', 'file:///srv/dist/index.json'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
    expect(redactUrl(new URL(url))).toBe(shown);
  });

  it('masks text that is not a URL more widely: all from // to the last @, and query values', () => {
    expect(redactUrl('https://alice:s3cret@dist:99999/i.json?token=Q')).toBe(
      'https://***@dist:99999/i.json?token=***',
    );
    expect(redactUrl('https://alice:p@ss@dist:99999/i.json')).toBe('https://***@dist:99999/i.json');
  });
});

describe('credentials', () => {
  it('make a Basic Authorization header of the decoded user name and password', () => {
    const { url, authorization } = splitCredentials(
      new URL('https://al%40ice:p%3Aw%C3%A9@dist.example.test/i.json'),
    );
    expect(url.href).toBe('https://dist.example.test/i.json');
    expect(Buffer.from(authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe(
      'al@ice:p:wé',
    );
    expect(splitCredentials(new URL('https://dist.example.test/')).authorization).toBeUndefined();
  });

  it('are lent to URLs of the same origin only, never over their own', () => {
    const from = new URL('https://alice:pw@dist.example.test/mycc/index.json');
    const lend = (to: string) => withOriginCredentials(new URL(to), from).href;
    expect(lend('https://dist.example.test/a.tgz')).toBe(
      'https://alice:pw@dist.example.test/a.tgz',
    );
    expect(lend('https://cdn.example.test/a.tgz')).toBe('https://cdn.example.test/a.tgz');
    expect(lend('https://dist.example.test:8443/a.tgz')).toBe(
      'https://dist.example.test:8443/a.tgz',
    );
    expect(lend('http://dist.example.test/a.tgz')).toBe('http://dist.example.test/a.tgz');
    expect(lend('https://bob:x@dist.example.test/a.tgz')).toBe(
      'https://bob:x@dist.example.test/a.tgz',
    );
  });
});
