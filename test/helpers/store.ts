// Lay out installed versions and partial downloads in a temporary LAUNCHER_HOME exactly as the
// installer (or an older one) leaves them.
import { chmodSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Create `versions/<version>/` with its receipt and an executable script per bin. With
 * `receipt: false` the directory is left without one (an interrupted install).
 */
export function placeVersion(
  home: string,
  version: string,
  options: {
    bins?: Record<string, string>;
    tool?: string;
    receipt?: boolean;
    script?: string;
  } = {},
): string {
  const dir = path.join(home, 'versions', version);
  const bins = options.bins ?? { mycc: 'bin/mycc' };
  for (const rel of Object.values(bins)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, options.script ?? `#!/bin/sh\necho "mycc ${version} $*"\n`);
    chmodSync(file, 0o755);
  }
  if (options.receipt !== false) {
    const receipt = {
      version,
      url: `https://dist.example.test/mycc-${version}.tar.gz`,
      sha256: '0'.repeat(64),
      installedAt: '2026-01-01T00:00:00.000Z',
      tool: options.tool ?? 'mycc',
      bins,
    };
    writeFileSync(path.join(dir, '.launcher-install.json'), JSON.stringify(receipt));
  }
  return dir;
}

/**
 * A partial download of `size` bytes as an older launcher left it under umask 000: writable by
 * others (0666), with validators for `url`. Sparse, so a gigabyte costs neither time nor disk.
 */
export function placeLoosePartial(
  partial: { part: string; meta: string },
  url: URL,
  size: number,
): void {
  mkdirSync(path.dirname(partial.part), { recursive: true });
  writeFileSync(partial.part, '');
  truncateSync(partial.part, size);
  chmodSync(partial.part, 0o666);
  writeFileSync(
    partial.meta,
    JSON.stringify({ url: url.href, etag: '"kept"', lastModified: null }),
  );
}
