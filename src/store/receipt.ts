// The install receipt (spec §4): written last, its presence is what makes a version installed;
// one launcher cannot use makes the version damaged.
import { readFileSync } from 'node:fs';
import { errnoCode, LauncherError } from '../errors.js';
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
 * The receipt's bins as a map without a prototype: a bin is looked up by the name the user typed,
 * and `launcher which constructor` must find nothing, not Object.prototype's function. Undefined
 * unless every entry is a path.
 */
function ownBins(value: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const bins: Record<string, string> = Object.create(null);
  for (const [name, rel] of Object.entries(value)) {
    if (typeof rel !== 'string') return undefined;
    bins[name] = rel;
  }
  return bins;
}

/** A receipt as `inspectReceipt` finds it. */
export type ReceiptReading =
  | { readonly status: 'intact'; readonly receipt: InstallReceipt }
  | { readonly status: 'damaged'; readonly damage: string }
  | { readonly status: 'missing' };

/**
 * A version's receipt, checked for what launcher relies on: the version it names, its sha256,
 * and its bins (name → path), from which every shim call finds the file to run. `missing`: the
 * version is not installed; `damage` says why the install is damaged (the receipt cannot be
 * read, is not JSON, or lacks one of those), of the receipt file.
 */
export function inspectReceipt(paths: LauncherPaths, version: string): ReceiptReading {
  const damaged = (damage: string): ReceiptReading => ({ status: 'damaged', damage });
  let text: string;
  try {
    text = readFileSync(receiptPath(paths, version), 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
    return damaged(`cannot be read (${(error as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return damaged(text.trim() === '' ? 'is empty' : 'is not valid JSON (cut short?)');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return damaged('is not a JSON object');
  }
  const r = data as Record<string, unknown>;
  if (r.version !== version) {
    return damaged(`names the version ${JSON.stringify(r.version)}, not ${version}`);
  }
  if (typeof r.sha256 !== 'string') return damaged('has no "sha256"');
  const bins = ownBins(r.bins);
  if (!bins) return damaged('has no "bins" (an object of bin name → path)');
  return { status: 'intact', receipt: { ...(data as InstallReceipt), bins } };
}

/** The receipt of an installed version, or null when there is none or it is damaged. */
export function readReceipt(paths: LauncherPaths, version: string): InstallReceipt | null {
  const read = inspectReceipt(paths, version);
  return read.status === 'intact' ? read.receipt : null;
}

/**
 * A version whose directory has a receipt that `inspectReceipt` finds damaged: it cannot be run
 * (exit 6, like an install that fails verification), and reinstalling it is the fix.
 */
export function damagedInstall(
  paths: LauncherPaths,
  version: string,
  damage: string,
  tool?: string,
): LauncherError {
  return new LauncherError(
    'E_DAMAGED',
    `${tool ? `${tool} ` : 'version '}${version} is damaged: its install receipt ${receiptPath(paths, version)} ${damage}`,
    { hint: `Reinstall it: \`launcher install --force ${version}\`.` },
  );
}
