// `launcher diagnostics`: the project's kept diagnostics, once or as a stream of changes.
import { Command, Option } from 'clipanion';
import type { KeptDiagnostics } from '../../diagnostics/kept-file.js';
import { listFiles, loadKeptFile } from '../../diagnostics/kept-file.js';
import {
  DIAGNOSTICS_FORMATS,
  type DiagnosticsFormat,
  type RenderContext,
  renderDiagnostics,
  renderWatchUpdate,
} from '../../diagnostics/render.js';
import { watchKept } from '../../diagnostics/watch-kept.js';
import { isLauncherError, LauncherError } from '../../errors.js';
import { canonicalProjectRoot, findProjectRoot } from '../../session/project-root.js';
import { LauncherCommand } from '../launcher-command.js';
import { valueOption } from '../value-option.js';

export class DiagnosticsCommand extends LauncherCommand {
  static override paths = [['diagnostics']];
  static override usage = Command.Usage({
    description: "print the project's latest compiler diagnostics",
    details: `
      Prints the diagnostics the compiler last published for this project; they are kept on disk, so this works after the compiler has exited. The project is the directory of the version file in use (else the directory itself).

      Formats: text (default), \`--json\`, \`--format tsc\` (for VS Code's \`$tsc\` problem matcher; see docs/ide.md), \`--format sarif\` (SARIF 2.1.0 for CI). \`--watch\` prints the full set again on every change until interrupted.

      Exits 0 whether or not there are errors.
    `,
    examples: [
      ['Show the diagnostics', '$0 diagnostics'],
      ['For a VS Code task with the $tsc matcher', '$0 diagnostics --format tsc'],
      ['For code scanning in CI', '$0 diagnostics --format sarif > results.sarif'],
      ['Follow changes as JSON lines', '$0 diagnostics --watch --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print JSON (same as --format json)' });
  format = valueOption('--format', 'FORMAT', 'text, json, tsc or sarif');
  watch = Option.Boolean('--watch', false, { description: 'Print again on every change' });
  dir = valueOption('--dir', 'DIR', 'Use the project of DIR instead of the cwd');

  async run() {
    const format = this.#outputFormat();
    const projectRoot = canonicalProjectRoot(findProjectRoot(this.launcher, this.dir));
    const render = (kept: KeptDiagnostics | null): RenderContext => ({
      projectRoot,
      tool: kept?.tool ?? this.launcher.tool ?? 'launcher',
      version: kept?.version ?? null,
    });
    if (!this.watch) {
      const kept = loadKeptFile(this.launcher.paths, projectRoot);
      const files = listFiles(kept?.files ?? new Map());
      this.context.stdout.write(renderDiagnostics(format, files, render(kept)));
      return 0;
    }
    let first = true;
    return untilStopped(this.context.stdout, (onError) =>
      watchKept(
        this.launcher.paths,
        projectRoot,
        (files, kept) => {
          this.context.stdout.write(
            renderWatchUpdate(format, files, render(kept), first, new Date()),
          );
          first = false;
        },
        { onError },
      ),
    );
  }

  #outputFormat(): DiagnosticsFormat {
    const format = this.format ?? (this.json ? 'json' : 'text');
    if (!DIAGNOSTICS_FORMATS.includes(format as DiagnosticsFormat)) {
      throw new LauncherError('E_USAGE', `unknown diagnostics format ${JSON.stringify(format)}`, {
        hint: `Use one of: --format ${DIAGNOSTICS_FORMATS.join(', --format ')} (or --json).`,
      });
    }
    if (this.json && format !== 'json') {
      throw new LauncherError('E_USAGE', `--json and --format ${format} ask for two formats`, {
        hint: 'Pass only one of them.',
      });
    }
    return format as DiagnosticsFormat;
  }
}

/**
 * Run a watcher until SIGINT (exit 130), SIGTERM (exit 143), a watcher error (exit 1) or the
 * reader of stdout going away (exit 0), then stop it and leave nothing behind.
 */
function untilStopped(
  stdout: NodeJS.WritableStream,
  start: (onError: (error: unknown) => void) => () => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | undefined;
    let finished = false;
    const finish = (outcome: () => void) => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      stdout.off('error', onClosedOutput);
      stop?.();
      outcome();
    };
    const onInterrupt = () => finish(() => resolve(130));
    const onTerminate = () => finish(() => resolve(143));
    const onClosedOutput = () => finish(() => resolve(0));
    // A LauncherError (the kept file cannot be read) says what and where itself.
    const onError = (error: unknown) =>
      finish(() =>
        reject(
          isLauncherError(error)
            ? error
            : new LauncherError('E_IO', 'lost track of the kept diagnostics while watching them', {
                hint: 'Run the command again; the diagnostics kept so far are not affected.',
                cause: error,
              }),
        ),
      );
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onTerminate);
    stdout.on('error', onClosedOutput);
    try {
      stop = start(onError);
      // The watcher may fail while it starts (its first read), before `stop` was known.
      if (finished) stop();
    } catch (error) {
      finish(() => reject(error));
    }
  });
}
