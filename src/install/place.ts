// The last steps of an install, inside staging and then into place: bins checked, receipt
// written, one rename.
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { type LauncherPaths, RECEIPT_FILE, versionDir } from '../paths.js';
import { binFile } from '../store/bin-file.js';
import type { InstallReceipt } from '../store/receipt.js';
import { newReplacedDir } from './layout.js';
import { removeOrWarn } from './remove-tree.js';

/** Every declared bin must be a file inside the install with an execute bit (see binFile). */
export function checkBins(
  staging: string,
  bins: Readonly<Record<string, string>>,
  what: string,
): void {
  const root = realpathSync(staging);
  for (const [name, rel] of Object.entries(bins)) {
    const missing = (why: string) =>
      new LauncherError('E_MISSING_BIN', `${what} declares the bin ${name} at ${rel}, but ${why}`, {
        hint: 'Nothing was installed. The archive does not match its index entry; tell the vendor.',
      });
    const file = binFile(staging, rel);
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      const exe = file === path.join(staging, rel) ? '' : ` (nor ${rel}.exe)`;
      throw missing(`the archive has no such file${exe}`);
    }
    if (!real.startsWith(root + path.sep)) throw missing('it leads outside the install');
    const st = statSync(real);
    if (!st.isFile()) throw missing('it is not a file');
    if (process.platform !== 'win32' && (st.mode & 0o111) === 0)
      throw missing('it is not executable');
  }
}

/** Write the receipt into staging; an archive's own file of that name is replaced, not trusted. */
export function writeReceipt(staging: string, receipt: InstallReceipt): void {
  const file = path.join(staging, RECEIPT_FILE);
  rmSync(file, { recursive: true, force: true });
  writeFileSync(file, `${JSON.stringify(receipt, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
}

/**
 * Rename staging to `versions/<version>`. Whatever is there (a directory without receipt, or the
 * version being reinstalled) is first moved aside and deleted after, so readers see the old
 * directory, briefly none, then the new one, never a mix. Killed in between, the old one is put
 * back by the next sweep (sweep.ts). Once the new one is in place the install has succeeded: an
 * old copy that cannot be deleted is only a warning.
 */
export function moveIntoPlace(
  paths: LauncherPaths,
  version: string,
  staging: string,
  warn: (warning: string) => void,
): string {
  const target = versionDir(paths, version);
  let replaced: string | undefined = newReplacedDir(paths, version);
  try {
    renameSync(target, replaced);
  } catch {
    replaced = undefined;
  }
  renameSync(staging, target);
  if (replaced) removeOrWarn(replaced, warn);
  return target;
}
