// `launcher lsp`: a language server on stdio that shows the pinned compiler's diagnostics in any
// LSP editor. It follows the project's live session through its control socket, re-attaching
// after restarts and new sessions, and the project's kept diagnostics on disk, which every run
// writes; it never writes anything but LSP frames to its output.
import type { Writable } from 'node:stream';
import {
  createMessageConnection,
  ErrorCodes,
  type MessageConnection,
  ResponseError,
} from 'vscode-jsonrpc/node';
import type { LauncherContext } from '../context.js';
import type { FileDiagnostics } from '../diagnostics/diagnostic.js';
import { readKept } from '../diagnostics/kept-file.js';
import { watchKept } from '../diagnostics/watch-kept.js';
import { LauncherError, messageOf, problemText, sentence } from '../errors.js';
import { FrameReader } from '../ipc/frame-reader.js';
import { FrameWriter } from '../ipc/frame-writer.js';
import { MAX_MESSAGE_BYTES } from '../ipc/protocol.js';
import { packageVersion } from '../package-root.js';
import { connectControl, subscribe } from '../session/control-client.js';
import { processExists } from '../session/process-identity.js';
import { findProjectRoot } from '../session/project-root.js';
import { findProjectSession } from '../session/registry.js';
import { STOP_SIGNALS } from '../supervisor/launcher-signals.js';
import { TIMED_OUT, within } from '../util/within.js';
import { EditorView } from './editor-view.js';
import { checkInitialize, editorFolder } from './initialize-params.js';
import {
  MessageType,
  SessionNotices,
  type StartedEnd,
  startedEndNotice,
} from './session-notices.js';

/** A session the bridge started itself (`--start`). */
export interface StartedSession {
  readonly control: string;
  /** How the compiler is named to the user: `mycc 1.4.2`. */
  readonly name: string;
  /** Settles once the session has ended, however (its compiler exited, or was stopped). */
  readonly ended: Promise<StartedEnd>;
  /** Stop the compiler gracefully (spec §6), passing `signal` on when one ends the server. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** How the server ends: with an exit code, or like the signal that ended it (128+N). */
export interface BridgeEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface BridgeOptions {
  readonly ctx: LauncherContext;
  readonly input: NodeJS.ReadableStream;
  readonly output: Writable;
  /** Where the bridge's own messages go (never the LSP output). */
  readonly log: (line: string) => void;
  /** With `--start`: runs the bin supervised, once the project is known. */
  readonly start?: (projectRoot: string) => Promise<StartedSession>;
}

/** How often to look for a live session while there is none. */
const SESSION_POLL_MS = 250;

/** How often to try again to follow the kept diagnostics after that failed. */
const KEPT_RETRY_MS = 1000;

/** How often to look whether the editor's process (`initialize`'s `processId`) is still there. */
const EDITOR_CHECK_MS = 3000;

/**
 * How long the ending server waits for the editor to read what it was sent: an editor that holds
 * the output open and reads nothing must not keep it for ever.
 */
const OUTPUT_GRACE_MS = 5000;

/**
 * The project of the folder the editor opened (the server's working directory when it opened
 * none), by the rules of every command; errors worded for an editor, which passes no `--dir`.
 */
function editorProjectRoot(ctx: LauncherContext, dir: string | undefined): string {
  return findProjectRoot(
    ctx,
    dir,
    (_dir, start) =>
      new LauncherError('E_USAGE', `the folder the editor opened, ${start}, is not a directory`, {
        hint: 'Open the project (the directory of its .tool-version, or one inside it) in the editor.',
      }),
  );
}

/**
 * Run the bridge until the editor says `exit` or closes its end, or a signal (SIGINT, SIGTERM,
 * SIGHUP) ends it; resolves to how the process should end.
 */
export function runLspBridge(options: BridgeOptions): Promise<BridgeEnd> {
  const { ctx, log } = options;
  // The protocol's own reader: when the input ends, its end is queued behind the messages that
  // came before it, so `launcher lsp < requests` answers every one of them before it ends
  // (vscode-jsonrpc's reader announces the end at once, and a file's end is no close at all).
  const reader = new FrameReader(options.input, MAX_MESSAGE_BYTES, { endIsClose: true });
  // The project's writer: each message goes to the output at once, and `flushed()` tells when
  // all of them have left (vscode-jsonrpc's own writes one per turn and tells nothing). LSP sets no
  // size limit, and the editor takes any set the session passed on.
  const writer = new FrameWriter(options.output, Number.POSITIVE_INFINITY);
  const connection: MessageConnection = createMessageConnection(reader, writer);
  reader.serve(connection);
  /** Whether `initialize` was answered without an error. */
  let answered = false;
  /** The project, once known; never known when the editor opened no folder on this machine. */
  let projectRoot: string | undefined;
  /** Why `initialize` failed, for the `initialized` that may follow. */
  let initializeFailure: string | undefined;
  /** Why nothing is served though `initialize` succeeded (the folders are not on this machine). */
  let unserved: string | undefined;
  let editorWatch: NodeJS.Timeout | undefined;
  // Set below, before any message can arrive: ends the bridge (see the promise at the end).
  let finish: (code: number | null, signal?: NodeJS.Signals | null) => Promise<void>;
  let following = false;
  let initializeSeen = false;
  let started: StartedSession | undefined;
  let shutdownRequested = false;
  let closed = false;
  let detach: (() => void) | undefined;
  let unwatchKept: (() => void) | undefined;

  const view = new EditorView((uri, diagnostics, version) => {
    const params = version === undefined ? { uri, diagnostics } : { uri, diagnostics, version };
    void connection.sendNotification('textDocument/publishDiagnostics', params).catch(() => {});
  });
  const showMessage = (type: number, message: string) =>
    void connection.sendNotification('window/showMessage', { type, message }).catch(() => {});

  // A problem the user should know of, shown once (and logged) until it goes away or changes:
  // the bridge keeps serving, and looks again at its next turn.
  const problems = new Map<string, string>();
  const problem = (topic: string, error: unknown) => {
    const text = problemText(error);
    if (problems.get(topic) === text) return;
    problems.set(topic, text);
    log(`launcher lsp: ${text}`);
    showMessage(MessageType.Error, `launcher: ${text}`);
  };
  const solved = (topic: string) => problems.delete(topic);

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** The control socket of a live session of the project, if one can be known. */
  const projectSession = (root: string): string | null | undefined => {
    try {
      const control = findProjectSession(ctx.paths, root)?.control;
      solved('sessions');
      return control;
    } catch (error) {
      problem('sessions', error);
      return undefined;
    }
  };

  /** Attach to the session at `address` and forward what it publishes until it goes away. */
  const attach = async (address: string, own: boolean) => {
    const client = await connectControl(address);
    detach = () => client.close();
    let notices: SessionNotices | undefined;
    const result = await subscribe(client, {
      onState: (session) => {
        const notice = notices?.next(session);
        if (notice) showMessage(notice.type, notice.message);
      },
      onDiagnostics: ({ uri, diagnostics, version }) => view.live(uri, diagnostics, version),
    });
    // The end of the session the bridge started is told from how it ended (see adopt).
    notices = new SessionNotices(result.state, { tellsEnd: !own });
    view.attached(result.diagnostics);
    solved('attach');
    await client.closed;
  };

  // Follow the project's live session for as long as the bridge runs: the one it started while
  // that runs, then (or without --start) whichever the project has.
  const follow = async (root: string) => {
    while (!closed) {
      const own = started;
      const address = own ? own.control : projectSession(root);
      if (!address) {
        await sleep(SESSION_POLL_MS);
        continue;
      }
      let failure: unknown;
      await attach(address, own !== undefined).catch((error: unknown) => {
        failure = error;
      });
      // A started session's socket goes with it: its end comes next, and others are looked for.
      await (own ? Promise.race([own.ended, sleep(SESSION_POLL_MS)]) : sleep(SESSION_POLL_MS));
      // Failing to attach to a session that ended meanwhile is no problem; to a live one it is.
      const live = own ? started === own : projectSession(root) === address;
      if (failure !== undefined && live && !closed) {
        const reason = messageOf(failure);
        problem(
          'attach',
          new LauncherError('E_SESSION', `cannot attach to the session at ${address}: ${reason}`, {
            hint: '`launcher status` lists the sessions; launcher lsp keeps trying.',
          }),
        );
      }
    }
  };

  /**
   * Follow a session the bridge started. Once it ends by itself (its compiler exited, `launcher
   * stop`, a crash loop given up), the user is told how, once, and the bridge goes on with the
   * project's other sessions. One the bridge stops itself ends without a word.
   */
  const adopt = (session: StartedSession) => {
    started = session;
    session.ended.then(
      (end) => {
        if (started !== session) return;
        started = undefined;
        if (closed) return;
        const notice = startedEndNotice(session.name, end);
        log(`launcher lsp: ${notice.message}`);
        showMessage(notice.type, notice.message);
      },
      // Its end failed to clean up after it: said, and the bridge goes on (or ends) all the same.
      (error: unknown) => {
        if (started === session) started = undefined;
        problem('started', error);
      },
    );
  };

  /**
   * LSP's lifecycle: before a successful `initialize` a request is answered ServerNotInitialized
   * (-32002); after `shutdown`, InvalidRequest; a second `initialize` too. (`shutdown` itself:
   * see its handler.)
   */
  const lifecycleError = (method: string): ResponseError<void> | undefined => {
    if (shutdownRequested)
      return new ResponseError(ErrorCodes.InvalidRequest, `${method} after shutdown`);
    if (method === 'initialize')
      return answered
        ? new ResponseError(ErrorCodes.InvalidRequest, 'initialize was already answered')
        : undefined;
    if (!answered)
      return new ResponseError(
        ErrorCodes.ServerNotInitialized,
        `${method} before a successful initialize`,
      );
    return undefined;
  };

  // Every request without a handler of its own.
  connection.onRequest((method) => {
    throw (
      lifecycleError(method) ?? new ResponseError(ErrorCodes.MethodNotFound, `unhandled: ${method}`)
    );
  });

  /**
   * LSP: the server exits when the editor's process is gone, even if its input stays open (a
   * pipe another process holds, say). Looked at every few seconds; gone, it ends as when the
   * input closes without `shutdown` (exit 1), stopping a compiler it started.
   */
  const watchEditor = (pid: number | null) => {
    clearInterval(editorWatch);
    if (pid === null || pid <= 0) return;
    editorWatch = setInterval(() => {
      if (processExists(pid)) return;
      log(`launcher lsp: the editor (process ${pid}) is gone; stopping`);
      void finish(1);
    }, EDITOR_CHECK_MS).unref();
  };

  connection.onRequest('initialize', (raw: unknown) => {
    const refused = lifecycleError('initialize');
    if (refused) throw refused;
    initializeSeen = true;
    const params = checkInitialize(raw);
    watchEditor(params.processId);
    try {
      const folder = editorFolder(params);
      if (folder.kind === 'unserved') {
        unserved =
          `launcher lsp serves only folders on this machine (file: URIs), and the editor opened ` +
          `${folder.uri}: it shows no diagnostics. Open the project from a local folder.`;
        log(`launcher lsp: ${unserved}`);
      } else {
        projectRoot = editorProjectRoot(ctx, folder.kind === 'folder' ? folder.dir : undefined);
      }
      initializeFailure = undefined;
    } catch (error) {
      initializeFailure = `${sentence(problemText(error))} Then restart the language server.`;
      log(`launcher lsp: ${initializeFailure}`);
      // LSP's InitializeError: `retry: false`, the same answer would come again.
      throw new ResponseError(ErrorCodes.InternalError, initializeFailure, { retry: false });
    }
    answered = true;
    return {
      capabilities: { textDocumentSync: 0 },
      serverInfo: { name: 'launcher', version: packageVersion() },
    };
  });

  // The kept diagnostics: what earlier runs left, then every change, whichever run made it (a
  // short `launcher exec` is over before any poll for sessions could see it).
  let keptRetry: NodeJS.Timeout | undefined;
  const followKept = (root: string) => {
    keptRetry = undefined;
    if (closed) return;
    try {
      const onKept = (files: FileDiagnostics[]) => {
        solved('kept');
        view.kept(files);
      };
      unwatchKept = watchKept(ctx.paths, root, onKept, {
        onError: (error) => problem('kept', error),
      });
      solved('kept-watch');
    } catch (error) {
      // Not even watching (the state directory cannot be made, no inotify watch is left): show
      // what is there now, say why, and try again; the live session still comes through.
      problem('kept-watch', error);
      try {
        view.kept(readKept(ctx.paths, root));
      } catch (readError) {
        problem('kept-read', readError);
      }
      keptRetry = setTimeout(() => followKept(root), KEPT_RETRY_MS);
    }
  };

  connection.onNotification('initialized', () => {
    // After a failed `initialize` the project is unknown; guessing one (the server's own
    // directory, say) would show another project's diagnostics as this one's.
    if (unserved !== undefined) {
      if (!following) showMessage(MessageType.Warning, unserved);
      following = true; // nothing to follow; said once
      return;
    }
    if (projectRoot === undefined) {
      const why = initializeFailure ?? 'the editor sent no `initialize` request first.';
      showMessage(MessageType.Error, `launcher lsp shows no diagnostics: ${why}`);
      return;
    }
    // LSP sends it once; a second one must not start a second compiler and follow loop (each
    // update would reach the editor twice).
    if (following) {
      log('launcher lsp: ignored a second `initialized` notification');
      return;
    }
    following = true;
    const root = projectRoot;
    followKept(root);
    void (async () => {
      if (options.start) {
        try {
          adopt(await options.start(root));
        } catch (error) {
          showMessage(
            MessageType.Error,
            `launcher could not start the compiler: ${(error as Error).message}`,
          );
          log(`launcher lsp: ${(error as Error).message}`);
          return;
        }
      }
      await follow(root);
    })().catch((error: unknown) => problem('follow', error));
  });

  const stopStarted = async (signal?: NodeJS.Signals) => {
    const session = started;
    started = undefined;
    if (session) await session.stop(signal);
  };

  /** The `shutdown` being carried out, for an end of input that comes right behind it. */
  let shuttingDown: Promise<void> | undefined;
  connection.onRequest('shutdown', async () => {
    // A second one is InvalidRequest. One before a successful initialize is answered (not
    // -32002): an editor whose initialize failed may still end the server cleanly.
    if (shutdownRequested)
      throw new ResponseError(ErrorCodes.InvalidRequest, 'shutdown after shutdown');
    shutdownRequested = true;
    shuttingDown = stopStarted();
    await shuttingDown;
    return null;
  });

  return new Promise<BridgeEnd>((resolve) => {
    finish = async (code, signal = null) => {
      if (closed) return;
      closed = true;
      clearInterval(editorWatch);
      detach?.();
      unwatchKept?.();
      clearTimeout(keptRetry);
      view.dispose();
      // Its last diagnostics reach the kept file before this settles. A stop that fails is
      // said; the bridge ends all the same.
      try {
        await shuttingDown;
        await stopStarted(signal ?? undefined);
      } catch (error) {
        problem('stop', error);
      }
      // An answer is written in the microtasks after its handler is done (`shutdown`'s maybe
      // just now, once the compiler stopped): a turn lets every one be written. Then they must
      // have left before the process exits, which drops what its stdout still holds.
      await new Promise((resolve) => setImmediate(resolve));
      if ((await within(writer.flushed(), OUTPUT_GRACE_MS)) === TIMED_OUT) {
        log(
          `launcher lsp: the editor did not read the last messages within ` +
            `${OUTPUT_GRACE_MS / 1000} s; exiting without them`,
        );
        if (signal === null) code = 1;
      }
      connection.dispose();
      resolve({ code, signal });
    };
    // Killed outright, the server would take its compiler down with it (the child dies with its
    // launcher) before that said goodbye or its last diagnostics were kept. The handlers stay
    // while it stops, so a second signal cannot cut the stop short either; the stop has its own
    // time limit.
    for (const signal of STOP_SIGNALS) process.on(signal, () => void finish(null, signal));
    connection.onNotification('exit', () => void finish(shutdownRequested ? 0 : 1));
    // The editor's end closing without `shutdown` is an abnormal end (1, as LSP says for `exit`),
    // unless nothing was asked at all: input that ends before `initialize` (`launcher lsp
    // </dev/null`, an empty pipe) ends cleanly.
    const editorGone = () => void finish(shutdownRequested || !initializeSeen ? 0 : 1);
    // This comes only once every message that arrived before the end has been handled (see the
    // reader above).
    connection.onClose(editorGone);
    // A broken frame stops the reader: nothing more can be read, so that is the end too.
    reader.onError((error) => {
      log(`launcher lsp: stopped reading the editor's messages: ${error.message}`);
      void finish(1);
    });
    // So is an output that fails (its reader closed it: EPIPE), ending as the input's close does;
    // whatever was still to be written is then lost anyway.
    writer.onError(([error]) => {
      if (closed) return;
      log(`launcher lsp: cannot write to the editor (${error.message}); stopping`);
      editorGone();
    });
    connection.listen();
  });
}
