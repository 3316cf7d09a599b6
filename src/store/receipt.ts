// The install receipt (spec §4): written last, its presence is what makes a version installed.
import { readFileSync } from 'node:fs';
import { type LauncherPaths, receiptPath } from '../paths.js';

/** `versions/<v>/.launcher-install.json`. Fields beyond the contract's four help offline work. */
export interface InstallReceipt {
  readonly version: string;
  readonly url: string;
  readonly sha256: string;
  readonly installedAt: string;
  /** The tool's name, from the index it was installed from. */
  readonly tool?: string;
  /** Bin name → path inside the install, as declared by the index. */
  readonly bins?: Readonly<Record<string, string>>;
}

/**
 * The receipt's bins as a map without a prototype, holding only string paths: a bin is looked up
 * by the name the user typed, and `launcher which constructor` must find nothing, not
 * Object.prototype's function.
 */
function ownBins(value: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const bins: Record<string, string> = Object.create(null);
  for (const [name, rel] of Object.entries(value)) if (typeof rel === 'string') bins[name] = rel;
  return bins;
}

/** The receipt of an installed version, or null when there is none (or it is unreadable). */
export function readReceipt(paths: LauncherPaths, version: string): InstallReceipt | null {
  try {
    const data = JSON.parse(readFileSync(receiptPath(paths, version), 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null) return null;
    const r = data as Record<string, unknown>;
    if (typeof r.version !== 'string' || typeof r.sha256 !== 'string') return null;
    return { ...(data as InstallReceipt), bins: ownBins(r.bins) };
  } catch {
    return null;
  }
}
