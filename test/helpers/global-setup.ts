// Run once before the suite: every test project lives under the temporary directory, so a version
// file above it (a stray `/tmp/.tool-version`) would pin their versions; say so instead of
// letting a few tests fail for no visible reason.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): void {
  const strays: string[] = [];
  for (let dir = path.resolve(os.tmpdir()); ; dir = path.dirname(dir)) {
    for (const name of ['.tool-version', '.tool-versions']) {
      if (existsSync(path.join(dir, name))) strays.push(path.join(dir, name));
    }
    if (path.dirname(dir) === dir) break;
  }
  if (strays.length > 0) {
    throw new Error(
      `version files above the temporary directory would pin every test project: ${strays.join(', ')}.\n` +
        'Remove them (or point TMPDIR elsewhere), then run the tests again.',
    );
  }
}
