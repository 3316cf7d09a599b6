// The source of the shim's start-up snapshot (src/shim/snapshot.ts builds it; bundled into
// dist/shim-snapshot/snapshot.cjs). Under `node --build-snapshot` it warms the code up and names
// the function a snapshot-started shim runs; required as a plain module, it is the shim itself.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startupSnapshot } from 'node:v8';
import { packageRoot } from '../package-root.js';
import { shimMain } from './main.js';
import { fileIdentity } from './snapshot.js';
import { warmUp } from './warm-up.js';

export { shimMain };

const source = fileURLToPath(import.meta.url);

if (startupSnapshot.isBuildingSnapshot()) {
  const builtFrom = fileIdentity(source);
  // Found once here rather than by every call (a walk up reading package.json files): the
  // snapshot is only used while its source file, inside that package, is unchanged.
  packageRoot();
  startupSnapshot.setDeserializeMainFunction(() => {
    // The shim runs `node --snapshot-blob <blob> -- <bin> [args…]`: no script in argv.
    const argv = process.argv.slice(1);
    // Should a timer list from the build survive in Node's queue (see the end of warmUp), a
    // later timer due after its date would never be armed, so never fire (no stop timeout: the
    // timers test in test/shim/snapshot.test.ts). A timer due now makes Node walk its queue at
    // once and arm the next real expiry.
    setTimeout(() => {}, 0).unref();
    if (fileIdentity(source) === builtFrom) {
      void shimMain(argv, { fromSnapshot: true });
      return;
    }
    // launcher was rebuilt or reinstalled since: run its code as it is now (which also builds a
    // new snapshot), not the copy in this heap.
    let current: { shimMain: typeof shimMain };
    try {
      current = createRequire(source)(source) as typeof current;
    } catch (error) {
      process.stderr.write(
        `launcher: cannot load its own code from ${source} (${(error as Error).message}).\n\n` +
          'Reinstall launcher, then run `launcher rehash`.\n',
      );
      process.exitCode = 1;
      return;
    }
    void current.shimMain(argv);
  });
  warmUp().catch((error: unknown) => {
    // Without a working warm-up there is no snapshot: the build must fail, not save a broken one.
    // Its message, not its stack: Node takes no stack traces while it builds a snapshot (the
    // stack is undefined), and the builder records this line as the reason (snapshot.ts).
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`launcher: warming up the shim failed: ${reason}\n`);
    process.exit(1);
  });
}
