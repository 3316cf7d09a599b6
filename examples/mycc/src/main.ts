// The `mycc` command line: check, run, serve, --version; supervised through the worker library.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { connect, type WorkerConnection } from '../../../src/worker/index.js';
import { runCheck } from './check-command.js';
import { compileSource } from './compile.js';
import { scheduleCrashFromEnv } from './crash.js';
import { formatDiagnostic } from './diagnostics.js';
import { evaluate } from './evaluate.js';
import { serve } from './serve-command.js';
import { featuresOf, MYCC_VERSION } from './version.js';

const USAGE = `usage: mycc check FILE...   print diagnostics; exit 1 on errors
       mycc run FILE        compile and run one file
       mycc serve [DIR]     serve DIR's *.my files over HTTP and recompile on change
       mycc --version`;

const features = featuresOf(MYCC_VERSION);
const stdout = (line: string) => void process.stdout.write(`${line}\n`);
const stderr = (line: string) => void process.stderr.write(`${line}\n`);

/** Runs one command; resolves to the exit code, or null while `serve` keeps the process up. */
async function main(args: string[]): Promise<number | null> {
  const [command, ...rest] = args;
  switch (command) {
    case '--version':
    case '-v':
      stdout(`mycc ${MYCC_VERSION}`);
      return 0;
    case 'check':
      return rest.length === 0 ? usage('check needs at least one file') : check(rest);
    case 'run':
      return rest.length === 1 ? runFile(rest[0]!) : usage('run takes exactly one file');
    case 'serve':
      return rest.length <= 1
        ? startServing(path.resolve(rest[0] ?? '.'))
        : usage('serve takes at most one directory');
    case '--help':
    case '-h':
      stdout(USAGE);
      return 0;
    default:
      return usage(command === undefined ? 'no command given' : `unknown command '${command}'`);
  }
}

function usage(problem: string): number {
  stderr(`mycc: ${problem}\n\n${USAGE}`);
  return 2;
}

async function check(files: string[]): Promise<number> {
  const connection = await connect({ name: 'mycc', version: MYCC_VERSION });
  const code = runCheck(files, features, {
    stdout,
    stderr,
    publish: connection
      ? (uri, diagnostics) => connection.publishDiagnostics(uri, diagnostics)
      : undefined,
  });
  connection?.close();
  return code;
}

function runFile(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    stderr(`mycc: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    return 2;
  }
  const { diagnostics, js } = compileSource(text, features);
  for (const diagnostic of diagnostics) stderr(formatDiagnostic(file, diagnostic));
  if (js === null) return 1;
  for (const line of evaluate(js)) stdout(line);
  return 0;
}

async function startServing(root: string): Promise<number | null> {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    stderr(`mycc: ${root} is not a directory`);
    return 2;
  }
  const connection: WorkerConnection | null = await connect({
    name: 'mycc',
    version: MYCC_VERSION,
    server: true,
  });
  const serving = await serve(root, features, {
    say: stderr,
    publish: connection
      ? (uri, diagnostics) => connection.publishDiagnostics(uri, diagnostics)
      : undefined,
    log: connection ? (level, message) => connection.log(level, message) : undefined,
    ready: connection ? (info) => connection.ready(info) : undefined,
  });
  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      stderr(`mycc: stopping (${reason})`);
      await serving.stop();
      // After a launcher/shutdown the worker library exits once this settles. After a signal,
      // saying goodbye leaves nothing holding the process open; the unref'd timer fires only if
      // something still does, so a stop always ends in an exit.
      connection?.close();
      setTimeout(() => process.exit(0), 1000).unref();
    })();
    return stopping;
  };
  connection?.onShutdown((reason) => stop(reason));
  connection?.onRequest('mycc/snapshot', () => serving.snapshot());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stop(signal));
  scheduleCrashFromEnv(process.env, stderr);
  return null;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (error: unknown) => {
    stderr(
      `mycc: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
