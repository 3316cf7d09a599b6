// A known difference, written down in docs/troubleshooting.md: a compiler run through a shim with
// a closed stdout or stderr gets /dev/null there (Node.js reopens descriptors 0–2 it finds
// closed), so its writes succeed unseen where, run directly, they fail. Should this change, the
// troubleshooting section must change with it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher, run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

describe('a compiler run with a closed descriptor', () => {
  it.each(['>&-', '2>&-'])(
    'gets /dev/null through the shim for %s, and fails to write when run directly',
    async (close) => {
      const env = cleanEnv({ LAUNCHER_VERSION: '1.0.0' });
      const home = env.LAUNCHER_HOME!;
      // Writes to the descriptor being closed, and says on the other one whether that worked.
      const fd = close === '>&-' ? 1 : 2;
      const other = 3 - fd;
      const script = `#!/bin/sh\nif echo written >&${fd}; then echo wrote >&${other}; else echo failed >&${other}; exit 1; fi\n`;
      const bin = path.join(placeVersion(home, '1.0.0', { script }), 'bin', 'mycc');
      const cwd = tempDir();
      expect((await launcher(['rehash'], { env, cwd })).code).toBe(0);
      const shim = path.join(home, 'shims', 'mycc');
      const direct = await run('/bin/sh', ['-c', `"$0" ${close}`, bin], { env, cwd });
      const shimmed = await run('/bin/sh', ['-c', `"$0" ${close}`, shim], { env, cwd });
      expect(direct.code).toBe(1);
      expect(shimmed).toMatchObject({ code: 0, [fd === 1 ? 'stderr' : 'stdout']: 'wrote\n' });
    },
  );
});
