// What the CLI passes each command besides clipanion's streams.
import type { BaseContext } from 'clipanion';

export interface CliContext extends BaseContext {
  /** The directory the command acts in (normally `process.cwd()`); undefined when it is gone. */
  cwd: string | undefined;
}
