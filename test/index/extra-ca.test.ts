// Extra certificate authorities (spec §3): an index served over HTTPS with a certificate of a CA
// the system does not know is trusted exactly when NODE_EXTRA_CA_CERTS names that CA. Node reads
// the variable when it starts, so the built CLI runs as a real process.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher, REPO_ROOT, run } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const TLS = path.join(REPO_ROOT, 'test', 'fixtures', 'tls');

// The compiler says its version, and whether the launcher above it started from the shim's
// snapshot (its command line, from /proc: setpriv has exec'd into the compiler).
const SAYS_HOW_STARTED = (version: string) => `#!/bin/sh
case "$(tr '\\000' ' ' < /proc/$PPID/cmdline)" in
  *--snapshot-blob*) echo "mycc ${version} from the snapshot" ;;
  *) echo "mycc ${version} from the entry" ;;
esac
`;

async function httpsWorld() {
  const server = await startDistServerForTest({
    versions: ['1.0.0', '1.1.0'].map((version) => ({
      version,
      files: { 'bin/mycc': { content: SAYS_HOW_STARTED(version), mode: 0o755 } },
    })),
    tls: {
      key: readFileSync(path.join(TLS, 'server-key.pem')),
      cert: readFileSync(path.join(TLS, 'server-cert.pem')),
    },
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, LAUNCHER_HTTP_RETRIES: '0' });
  // Whatever the host trusts, the test decides.
  delete env.NODE_EXTRA_CA_CERTS;
  return { server, env };
}

describe('NODE_EXTRA_CA_CERTS', () => {
  it('is needed: without it an index signed by an unknown CA is a network failure (exit 5)', async () => {
    const { server, env } = await httpsWorld();
    expect(server.indexUrl).toMatch(/^https:/);
    const r = await launcher(['list-remote'], { env, cwd: tempDir() });
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/certificate/i);
    // The fix names the variable, not the network or the proxy.
    expect(r.stderr).toContain('set NODE_EXTRA_CA_CERTS to a PEM file');
    // The handshake failed: no request reached the server.
    expect(server.requests).toEqual([]);
  });

  it('makes that CA trusted for the index and the download', async () => {
    const { server, env } = await httpsWorld();
    const withCa = { ...env, NODE_EXTRA_CA_CERTS: path.join(TLS, 'ca.pem') };
    const list = await launcher(['list-remote'], { env: withCa, cwd: tempDir() });
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toContain('1.0.0');
    const install = await launcher(['install', '1.0.0', '--quiet'], {
      env: withCa,
      cwd: tempDir(),
    });
    expect(install).toMatchObject({ code: 0, stderr: '' });
    expect(server.count(server.archivePath('1.0.0'))).toBe(1);
  });

  it("holds for a shim's auto-install, also when the shim starts from its snapshot", async () => {
    const { env } = await httpsWorld();
    const withCa = { ...env, NODE_EXTRA_CA_CERTS: path.join(TLS, 'ca.pem') };
    const project = tempDir('launcher-project-');
    expect((await launcher(['rehash'], { env: withCa, cwd: project })).code).toBe(0);
    const shim = path.join(env.LAUNCHER_HOME!, 'shims', 'mycc');
    // The first call starts without a snapshot and builds one; the second starts from it.
    for (const [version, start] of [
      ['1.0.0', 'the entry'],
      ['1.1.0', 'the snapshot'],
    ]) {
      writeFileSync(path.join(project, '.tool-version'), `${version}\n`);
      const r = await run(shim, [], { env: withCa, cwd: project });
      expect(r).toMatchObject({ code: 0, stdout: `mycc ${version} from ${start}\n` });
    }
  });
});
