// Shared by the mycc tests: build the sample distribution once per file and unpack its versions.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { x as extract } from 'tar';
import { afterAll, beforeAll } from 'vitest';
import { buildSampleDist, type SampleDist } from '../../scripts/sample-dist.mjs';

/** A directory that outlives single tests and is removed after the file's last one. */
export function suiteDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => dir!;
}

/** Builds the distribution before the file's tests and unpacks every version (strip 1). */
export function useSampleDist(): { dist: () => SampleDist; bin: (version: string) => string } {
  const root = suiteDir('mycc-dist-');
  let dist: SampleDist | undefined;
  beforeAll(async () => {
    dist = await buildSampleDist(path.join(root(), 'dist'));
    for (const built of dist.versions) {
      await extractVersion(dist, built.version, path.join(root(), built.version));
    }
  });
  return { dist: () => dist!, bin: (version) => path.join(root(), version, 'bin', 'mycc') };
}

/** Unpacks one version's archive the way the index tells an installer to. */
export async function extractVersion(
  dist: SampleDist,
  version: string,
  into: string,
): Promise<void> {
  const entry = dist.index.versions.find((v) => v.version === version)!;
  const artifact = entry.artifacts[0]!;
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  await extract({ file: path.join(dist.outDir, artifact.url), cwd: into, strip: artifact.strip });
}

/** The sample sources in the repository. */
export const SAMPLES = fileURLToPath(new URL('../../examples/mycc/samples', import.meta.url));
