// The base of every CLI command: runs the command and turns any error into the contract's output.
import { Command } from 'clipanion';
import { LauncherContext } from '../context.js';
import { exitCodeOf, renderError } from '../errors.js';
import { printable } from '../util/printable.js';
import type { CliContext } from './cli-context.js';

export abstract class LauncherCommand extends Command<CliContext> {
  /** The command's work. Returns the exit code (0 when nothing is returned). */
  abstract run(): Promise<number | undefined> | number | undefined;

  override async execute(): Promise<number> {
    try {
      return (await this.run()) ?? 0;
    } catch (error) {
      this.context.stderr.write(renderError(error, { debug: this.debug }));
      return exitCodeOf(error);
    }
  }

  /** LAUNCHER_DEBUG=1: errors (and doctor's failed checks) show the stack underneath. */
  get debug(): boolean {
    return this.context.env.LAUNCHER_DEBUG === '1';
  }

  #launcher: LauncherContext | undefined;
  /** The launcher's view of this run's environment and directory. */
  get launcher(): LauncherContext {
    this.#launcher ??= new LauncherContext(this.context.env, this.context.cwd);
    return this.#launcher;
  }

  /** Write one line to stdout. */
  out(line: string): void {
    this.context.stdout.write(`${line}\n`);
  }

  /** Write one line to stderr, no control character raw (see printable). */
  note(line: string): void {
    this.context.stderr.write(`${printable(line)}\n`);
  }

  /** Pretty JSON on stdout, as every `--json` prints it. */
  printJson(value: unknown): void {
    this.context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
