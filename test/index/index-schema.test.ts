// The index format: what is accepted, what is refused, and that every refusal names the URL
// and the version.
import { describe, expect, it } from 'vitest';
import { isLauncherError, type LauncherError } from '../../src/errors.js';
import { artifactUrl, chooseArtifact } from '../../src/index/artifact.js';
import { decodeIndex, parseIndex } from '../../src/index/index-schema.js';

const URL_ = 'https://dist.example.com/mycc/index.json';
const SHA = 'a'.repeat(64);

function doc(overrides: Record<string, unknown> = {}, version: Record<string, unknown> = {}) {
  return {
    schema: 1,
    tool: 'mycc',
    bins: { mycc: 'bin/mycc' },
    versions: [
      {
        version: '1.4.2',
        artifacts: [
          { os: 'linux', arch: 'x64', url: 'mycc-1.4.2.tar.gz', sha256: SHA, size: 10, strip: 1 },
        ],
        ...version,
      },
    ],
    ...overrides,
  };
}

function refusal(text: string): LauncherError {
  try {
    parseIndex(text, URL_);
  } catch (error) {
    if (isLauncherError(error)) return error;
    throw error;
  }
  throw new Error('the index was accepted');
}

describe('parseIndex', () => {
  it('accepts the contract example, ignores unknown fields and sorts versions highest first', () => {
    const index = parseIndex(
      JSON.stringify({
        ...doc({ homepage: 'https://x' }),
        versions: [
          { version: '1.2.0', artifacts: [], extra: true },
          { version: '1.10.0', artifacts: [] },
          { version: '2.0.0-rc.1', artifacts: [] },
        ],
      }),
      URL_,
    );
    expect(index.versions.map((v) => v.version)).toEqual(['2.0.0-rc.1', '1.10.0', '1.2.0']);
    expect(index.tool).toBe('mycc');
  });

  it("lets a version's own bins replace the top-level ones", () => {
    const index = parseIndex(JSON.stringify(doc({}, { bins: { 'mycc-lsp': 'bin/lsp' } })), URL_);
    expect(index.versions[0]!.bins).toEqual({ 'mycc-lsp': 'bin/lsp' });
    expect(parseIndex(JSON.stringify(doc()), URL_).versions[0]!.bins).toEqual({ mycc: 'bin/mycc' });
  });

  it('defaults strip to 0 and keeps size optional', () => {
    const index = parseIndex(
      JSON.stringify(
        doc({}, { artifacts: [{ os: 'linux', arch: 'x64', url: 'a.tar', sha256: SHA }] }),
      ),
      URL_,
    );
    expect(index.versions[0]!.artifacts[0]).toMatchObject({ strip: 0, size: undefined });
  });

  it('refuses a newer schema (exit 2) with the fix to upgrade launcher, not to fix the index', () => {
    const error = refusal(JSON.stringify(doc({ schema: 2 })));
    expect(error).toMatchObject({
      code: 'E_BAD_INDEX',
      exitCode: 2,
      message: `the distribution index ${URL_} is in schema 2, newer than this launcher reads (schema 1)`,
      hint: 'Upgrade launcher to a release that reads it, then run the command again. Versions already installed still run meanwhile.',
    });
  });

  it.each([
    ['a missing schema', doc({ schema: undefined }), '"schema"'],
    ['a bad tool name', doc({ tool: 'My CC' }), '"tool"'],
    ['versions not an array', doc({ versions: {} }), '"versions"'],
    ['bad JSON', '{"schema": 1,', 'not JSON'],
  ])('refuses %s (exit 2), naming the URL', (_what, input, words) => {
    const error = refusal(typeof input === 'string' ? input : JSON.stringify(input));
    expect(error.code).toBe('E_BAD_INDEX');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(URL_);
    expect(error.message).toContain(words);
  });

  it.each([
    ['a missing sha256', { artifacts: [{ os: 'linux', arch: 'x64', url: 'a.tgz' }] }, 'sha256'],
    [
      'an uppercase sha256',
      { artifacts: [{ os: 'linux', arch: 'x64', url: 'a.tgz', sha256: 'A'.repeat(64) }] },
      'sha256',
    ],
    [
      'a short sha256',
      { artifacts: [{ os: 'linux', arch: 'x64', url: 'a.tgz', sha256: 'abc' }] },
      'sha256',
    ],
    ['a bin path with ..', { bins: { mycc: '../x' } }, 'escapes the install'],
    ['an absolute bin path', { bins: { mycc: '/usr/bin/mycc' } }, 'absolute'],
    ['a bin path with a backslash', { bins: { mycc: 'bin\\mycc' } }, 'backslash'],
    ['a bin name that is a path', { bins: { '../mycc': 'bin/mycc' } }, 'plain file name'],
    [
      'a negative size',
      { artifacts: [{ os: 'linux', arch: 'x64', url: 'a', sha256: SHA, size: -1 }] },
      'size',
    ],
    [
      'a bad strip',
      { artifacts: [{ os: 'linux', arch: 'x64', url: 'a', sha256: SHA, strip: 'one' }] },
      'strip',
    ],
    // Strings that are printed must not carry a terminal's escape sequences.
    [
      'an os with an escape sequence',
      { artifacts: [{ os: 'lin\u001b[2Kux\rEVIL', arch: 'x64', url: 'a', sha256: SHA }] },
      'artifact #1: "os" must be',
    ],
    [
      'an os that is not a Node.js platform name',
      { artifacts: [{ os: 'Linux', arch: 'x64', url: 'a', sha256: SHA }] },
      '"os" must be',
    ],
    [
      'an arch with a C1 control',
      { artifacts: [{ os: 'linux', arch: 'x64\u009b2K', url: 'a', sha256: SHA }] },
      'artifact #1: "arch" must be',
    ],
    [
      'an arch with a space',
      { artifacts: [{ os: 'linux', arch: 'x 64', url: 'a', sha256: SHA }] },
      '"arch" must be',
    ],
    [
      'a url with DEL',
      { artifacts: [{ os: 'linux', arch: 'x64', url: 'a.tgz\u007f', sha256: SHA }] },
      'artifact #1: "url" must be',
    ],
    [
      'a published with escape sequences',
      { published: '\u001b]0;X\u0007\u001b[1A' },
      '"published"',
    ],
    ['a bin path with ESC', { bins: { mycc: 'bin/my\u001bcc' } }, 'control character'],
  ])('refuses %s, naming the URL and the version', (_what, version, words) => {
    const error = refusal(JSON.stringify(doc({}, version)));
    expect(error.code).toBe('E_BAD_INDEX');
    expect(error.message).toContain(URL_);
    expect(error.message).toContain('version "1.4.2"');
    expect(error.message).toContain(words);
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('refuses a control character in top-level bin paths, naming the URL', () => {
    const error = refusal(JSON.stringify(doc({ bins: { mycc: 'bin/\u009bmycc' } })));
    expect(error.message).toContain(URL_);
    expect(error.message).toContain('top-level "bins": bin mycc: path "bin/\\u009bmycc"');
  });

  it('shows a control character in a refused string escaped, DEL and C1 included', () => {
    const error = refusal(JSON.stringify(doc({}, { version: '1.4.2\u009b2K\u007f\u001b' })));
    expect(error.message).toContain('version "1.4.2\\u009b2K\\u007f\\u001b"');
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('accepts every platform and architecture name Node.js has, and any published text', () => {
    const platforms = ['aix', 'android', 'darwin', 'freebsd', 'linux', 'openbsd', 'sunos', 'win32'];
    const arches = [
      'arm',
      'arm64',
      'ia32',
      'loong64',
      'mips',
      'mipsel',
      'ppc64',
      'riscv64',
      's390x',
      'x64',
    ];
    const artifacts = platforms.flatMap((os) =>
      arches.map((arch) => ({ os, arch, url: `${os}-${arch}.tgz`, sha256: SHA })),
    );
    const index = parseIndex(
      JSON.stringify(doc({}, { artifacts, published: '10 January 2026, ça va' })),
      URL_,
    );
    expect(index.versions[0]!.artifacts).toHaveLength(platforms.length * arches.length);
    expect(index.versions[0]!.published).toBe('10 January 2026, ça va');
  });

  it.each(['1.4.2.7', 'v1.4.2', '1.4', 'latest', ''])(
    'refuses the invalid version string %j',
    (version) => {
      const error = refusal(JSON.stringify(doc({}, { version })));
      expect(error.code).toBe('E_BAD_INDEX');
      expect(error.message).toContain(URL_);
      expect(error.message).toContain('exact semver');
    },
  );

  it.each([
    ['1.4.2+linux', '1.4.2'],
    ['2.0.0-rc.1+linux', '2.0.0-rc.1'],
  ])('refuses build metadata (%s), saying so and what to list instead', (version, base) => {
    const error = refusal(JSON.stringify(doc({}, { version })));
    expect(error.code).toBe('E_BAD_INDEX');
    expect(error.message).toContain(`version "${version}"`);
    expect(error.message).toContain(`build metadata (+…): list it as ${base}`);
  });

  it('calls a v-prefixed version with build metadata not exact semver, as without it', () => {
    expect(refusal(JSON.stringify(doc({}, { version: 'v2.0.0+linux' }))).message).toContain(
      'exact semver',
    );
  });

  it('refuses a version listed twice', () => {
    const twice = doc();
    twice.versions.push({ ...twice.versions[0]! });
    expect(refusal(JSON.stringify(twice)).message).toContain('listed twice');
  });
});

describe('choosing the artifact', () => {
  const index = parseIndex(
    JSON.stringify(
      doc(
        {},
        {
          artifacts: [
            { os: 'linux', arch: 'x64', url: 'linux.tar.gz', sha256: SHA },
            { os: 'darwin', arch: 'arm64', url: 'https://cdn.example.com/mac.tar.gz', sha256: SHA },
          ],
        },
      ),
    ),
    URL_,
  );
  const version = index.versions[0]!;

  it('picks the build of this platform and resolves its URL against the index URL', () => {
    expect(chooseArtifact(index, version, {}, 'linux', 'x64').url.href).toBe(
      'https://dist.example.com/mycc/linux.tar.gz',
    );
    expect(chooseArtifact(index, version, {}, 'darwin', 'arm64').url.href).toBe(
      'https://cdn.example.com/mac.tar.gz',
    );
  });

  it('says which platforms exist when none fits (exit 4)', () => {
    try {
      chooseArtifact(index, version, {}, 'win32', 'x64');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_NO_ARTIFACT', exitCode: 4 });
      expect((error as Error).message).toContain('linux-x64, darwin-arm64');
    }
  });

  it('refuses a local file named by a remote index, and plain http to another host', () => {
    const local = { ...version.artifacts[0]!, url: 'file:///etc/passwd' };
    expect(() => artifactUrl(index, version, local, {})).toThrow(
      expect.objectContaining({ code: 'E_BAD_URL' }),
    );
    const http = { ...version.artifacts[0]!, url: 'http://cdn.example.com/a.tgz' };
    expect(() => artifactUrl(index, version, http, {})).toThrow(
      expect.objectContaining({ code: 'E_BAD_URL' }),
    );
    expect(artifactUrl(index, version, http, { LAUNCHER_ALLOW_INSECURE: '1' }).protocol).toBe(
      'http:',
    );
  });
});

describe('decodeIndex', () => {
  const url = 'https://dist.example.test/index.json';
  it('reads UTF-8, and refuses (exit 2, naming the URL) bytes that are not', () => {
    expect(decodeIndex(Buffer.from('{"tool":"mÿcc"}'), url)).toBe('{"tool":"mÿcc"}');
    let error: unknown;
    try {
      decodeIndex(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), url);
    } catch (caught) {
      error = caught;
    }
    expect(isLauncherError(error) && error.code).toBe('E_BAD_INDEX');
    expect((error as LauncherError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      `invalid distribution index ${url}: it is not UTF-8 text`,
    );
  });

  it('keeps a byte order mark, which JSON then refuses, as before', () => {
    const text = decodeIndex(Buffer.from('\ufeff{}'), url);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(() => parseIndex(text, url)).toThrow(/it is not JSON/);
  });
});
