// Types of scripts/sample-dist.mjs for the TypeScript tests and the demo.

export interface SampleVersion {
  version: string;
  published: string;
}

export interface SamplePlatform {
  os: string;
  arch: string;
}

/** One built archive. */
export interface BuiltVersion extends SampleVersion {
  /** File name inside the output directory, also the artifact's relative `url`. */
  archive: string;
  sha256: string;
  size: number;
}

/** The index exactly as written to index.json (spec §3). */
export interface SampleIndex {
  schema: 1;
  tool: 'mycc';
  bins: { mycc: 'bin/mycc' };
  versions: Array<{
    version: string;
    published: string;
    artifacts: Array<SamplePlatform & { url: string; sha256: string; size: number; strip: 1 }>;
  }>;
}

export interface SampleDist {
  outDir: string;
  indexPath: string;
  index: SampleIndex;
  versions: BuiltVersion[];
}

export const DEFAULT_OUT_DIR: string;
export const SAMPLE_VERSIONS: readonly SampleVersion[];
export const SAMPLE_PLATFORMS: readonly SamplePlatform[];
export function bundleMycc(version: string): Promise<Uint8Array>;
export function samplePlatforms(current?: SamplePlatform): SamplePlatform[];
export function buildSampleDist(outDir?: string): Promise<SampleDist>;
