// Builds the sample distribution of mycc: one reproducible .tar.gz per version and an index.json
// in the contract's format (spec §3), for the demo, the tests and anyone trying the launcher.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { create } from 'tar';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'examples/mycc/src/main.ts';

/** Where the distribution goes when no directory is named: `.sample-dist/`, gitignored. */
export const DEFAULT_OUT_DIR = path.join(ROOT, '.sample-dist');

/** The versions built, oldest first; see examples/mycc/README.md for what each one adds. */
export const SAMPLE_VERSIONS = Object.freeze([
  { version: '1.4.2', published: '2026-01-10T00:00:00Z' },
  { version: '1.5.0', published: '2026-02-14T00:00:00Z' },
  { version: '2.0.0', published: '2026-03-20T00:00:00Z' },
]);

/** Platforms listed in the index besides the current one. The bytes are the same JS for all. */
export const SAMPLE_PLATFORMS = Object.freeze([
  { os: 'darwin', arch: 'arm64' },
  { os: 'darwin', arch: 'x64' },
  { os: 'linux', arch: 'arm64' },
  { os: 'linux', arch: 'x64' },
]);

// Every file in every archive carries this time, so rebuilding yields the same bytes.
const ARCHIVE_MTIME = new Date('2026-01-01T00:00:00Z');

/** The bundled `bin/mycc` of one version: the compiler, the worker library and vscode-jsonrpc. */
export async function bundleMycc(version) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    // CommonJS: vscode-jsonrpc `require`s Node built-ins, which an ESM bundle cannot do.
    format: 'cjs',
    define: { __MYCC_VERSION__: JSON.stringify(version) },
    banner: { js: '#!/usr/bin/env node' },
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

/** Writes `mycc-<version>.tar.gz` into `outDir`; returns its name, sha256 and size. */
async function packVersion(version, bundle, outDir) {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'mycc-stage-'));
  try {
    const top = `mycc-${version}`;
    // Modes are set explicitly, never left to the umask of whoever builds.
    const files = [
      { name: `${top}/bin/mycc`, mode: 0o755, data: bundle },
      { name: `${top}/package.json`, mode: 0o644, data: packageJson(version) },
    ];
    const dirs = [`${top}/`, `${top}/bin/`];
    for (const dir of dirs) {
      mkdirSync(path.join(stage, dir), { recursive: true });
      chmodSync(path.join(stage, dir), 0o755);
    }
    for (const file of files) {
      writeFileSync(path.join(stage, file.name), file.data);
      chmodSync(path.join(stage, file.name), file.mode);
    }
    const archive = `${top}.tar.gz`;
    const entries = [...dirs, ...files.map((f) => f.name)].sort();
    await create(
      {
        cwd: stage,
        file: path.join(outDir, archive),
        // portable: no uid/gid/uname/atime/ctime and a fixed gzip OS byte; the listed entries
        // only, in sorted order (noDirRecurse), with one mtime; zlib writes no name or time.
        portable: true,
        noDirRecurse: true,
        mtime: ARCHIVE_MTIME,
        gzip: { level: 9 },
      },
      entries,
    );
    const bytes = readFileSync(path.join(outDir, archive));
    return {
      archive,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

// Pins the module format of bin/mycc (an extensionless file) whatever package.json is above it.
function packageJson(version) {
  return `${JSON.stringify({ name: 'mycc', version, private: true, type: 'commonjs', bin: { mycc: 'bin/mycc' } }, null, 2)}\n`;
}

/** The platforms of the index: the fixed list plus the current one, sorted. */
export function samplePlatforms(current = { os: process.platform, arch: process.arch }) {
  const all = [...SAMPLE_PLATFORMS];
  if (!all.some((p) => p.os === current.os && p.arch === current.arch)) all.push(current);
  // Plain code-unit order, not localeCompare: the index must not depend on the builder's locale.
  const key = (p) => `${p.os}-${p.arch}`;
  return all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Builds the whole distribution into `outDir` (created if needed; only its own files are
 * replaced): the archives and `index.json`. Resolves to where the index is and what was built.
 */
export async function buildSampleDist(outDir = DEFAULT_OUT_DIR) {
  const dir = path.resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const bundles = await Promise.all(SAMPLE_VERSIONS.map(({ version }) => bundleMycc(version)));
  const versions = await Promise.all(
    SAMPLE_VERSIONS.map(async ({ version, published }, i) => ({
      version,
      published,
      ...(await packVersion(version, bundles[i], dir)),
    })),
  );
  const index = {
    schema: 1,
    tool: 'mycc',
    bins: { mycc: 'bin/mycc' },
    versions: versions.map(({ version, published, archive, sha256, size }) => ({
      version,
      published,
      artifacts: samplePlatforms().map(({ os, arch }) => ({
        os,
        arch,
        url: archive,
        sha256,
        size,
        strip: 1,
      })),
    })),
  };
  const indexPath = path.join(dir, 'index.json');
  writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
  return { outDir: dir, indexPath, index, versions };
}
