// A real distribution server for tests: `http.createServer` (or https) on a loopback port 0, serving an
// index.json and `.tar.gz` archives built in memory, able to misbehave on demand (cut a
// download, answer 500, never answer, stall, trickle, send without end, corrupt bytes, ignore
// or botch Range, withhold validators, add a Content-Encoding, ask for credentials), recording
// every request it gets and telling when each answer is over. Used by the install tests, and by
// anyone who needs a distribution to install.
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { installTree, type TarEntry, tarBuffer, tarGz } from './tar-archive.js';
import { closeWhenTestEnds } from './test-scope.js';

export type { TarEntry } from './tar-archive.js';

/** A file of an install: text or bytes, with a mode (0644 unless given). */
export type DistFile = string | Buffer | { content: string | Buffer; mode: number };

/** One version of the distribution. */
export interface DistVersionSpec {
  version: string;
  /** Files of the install, relative to its root. Default: an executable script per bin. */
  files?: Record<string, DistFile>;
  /** Raw archive entries, written as given (hostile archives); replaces `files`. */
  entries?: TarEntry[];
  /** Ready archive bytes; replaces `files` and `entries`. */
  archive?: Buffer;
  /** This version's own bins (else the distribution's). */
  bins?: Record<string, string>;
  /** Default 1 for `files` (they sit under `<tool>-<version>/`), 0 otherwise. */
  strip?: number;
  published?: string;
  /** Default: this machine's platform only. */
  platforms?: Array<{ os: string; arch: string }>;
  /** Default true: `.tar.gz`; false serves a plain `.tar`. */
  gzip?: boolean;
  /** Fields written over the generated artifact entry (a wrong sha256, a missing size…). */
  artifact?: Record<string, unknown>;
  /** The archive's file name in its URL; default `<tool>-<version>-<os>-<arch>.tar.gz`. */
  archiveName?: string;
}

export interface DistServerOptions {
  /** Default `mycc`. */
  tool?: string;
  /** Serve over HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The top-level bins; default `{ <tool>: 'bin/<tool>' }`. */
  bins?: Record<string, string>;
  versions: DistVersionSpec[];
  /** Answer 401 to every request without these credentials (HTTP Basic). */
  basicAuth?: { user: string; password: string };
}

/** One way to misbehave, used for one request to a path. */
export interface Misbehaviour {
  /** Answer with this status and a short body. */
  status?: number;
  /** Send the headers (full length) and this many bytes of the body, then cut the connection. */
  dropAfter?: number;
  /** Send this many bytes, then stay silent with the connection open (see `stalled`). */
  stallAfter?: number;
  /** Never answer at all. */
  hang?: boolean;
  /** Send the body `bytes` at a time, one slice every `everyMs` (a slow or hostile server). */
  trickle?: { bytes: number; everyMs: number };
  /**
   * Answer 200 without Content-Length (unless `headers` gives one) and send bytes for ever, as
   * fast as they are read; the request's `sent` counts them.
   */
  endless?: boolean;
  /** Send no ETag and no Last-Modified, so a partial download cannot be resumed. */
  noValidators?: boolean;
  /** Serve the body with one byte changed. */
  corrupt?: boolean;
  /** Answer 200 with the whole body even to a Range request. */
  ignoreRange?: boolean;
  /**
   * Answer a Range request with a 206 whose Content-Range claims the start asked for, but send
   * the whole body (a broken cache or proxy in front of the server).
   */
  wholeBodyIn206?: boolean;
  /** Send the body compressed with node:zlib, saying so in Content-Encoding. */
  encode?: 'gzip' | 'deflate' | 'br';
  /**
   * Extra headers on the answer (a Content-Encoding over unchanged bytes, as S3 metadata does);
   * an array is sent as repeated lines.
   */
  headers?: Record<string, string | string[]>;
}

/** What the server saw of a request. */
export interface RecordedRequest {
  method: string;
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  ifNoneMatch: string | undefined;
  authorization: string | undefined;
  status: number;
  /** Bytes of an `endless` body handed to the connection so far. */
  sent: number;
}

const LAST_MODIFIED = 'Mon, 05 Jan 2026 00:00:00 GMT';
const ENCODERS = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
/** The sha256 of some bytes, in hex, as the index gives it. */
export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * An artifact entry for this machine that no test downloads, for an index written by hand (a
 * `file:` index, a bad index). `extra` replaces fields; an undefined value leaves one out.
 */
export function thisMachineArtifact(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    os: process.platform,
    arch: process.arch,
    url: 'a.tar.gz',
    sha256: 'a'.repeat(64),
    ...extra,
  };
}

/** The script installed for a bin by default: prints the tool, version and arguments. */
export function binScript(tool: string, version: string): string {
  return `#!/bin/sh\necho "${tool} ${version} $*"\n`;
}

export class DistServer {
  readonly tool: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** The index document served (generated; mutate it, or replace it with `setIndex`). */
  index: Record<string, unknown>;
  url = '';
  indexUrl = '';
  readonly #files = new Map<string, Buffer>();
  readonly #archives = new Map<string, string>();
  readonly #misbehaviours = new Map<string, Misbehaviour[]>();
  readonly #gates = new Map<string, Promise<unknown>>();
  readonly #answered = new WeakMap<RecordedRequest, Promise<void>>();
  readonly #events = new EventEmitter();
  readonly #authorization: string | undefined;
  #rawIndex: string | Buffer | undefined;
  readonly #server: http.Server | https.Server;
  #closed: Promise<void> | undefined;

  constructor(options: DistServerOptions) {
    this.tool = options.tool ?? 'mycc';
    const bins = options.bins ?? { [this.tool]: `bin/${this.tool}` };
    const versions = options.versions.map((spec) => this.#addVersion(spec, spec.bins ?? bins));
    this.index = { schema: 1, tool: this.tool, bins, versions };
    const { basicAuth } = options;
    if (basicAuth) {
      const pair = `${basicAuth.user}:${basicAuth.password}`;
      this.#authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) =>
      void this.#handle(req, res);
    this.#server = options.tls
      ? https.createServer(options.tls, handle)
      : http.createServer(handle);
  }

  #addVersion(spec: DistVersionSpec, bins: Record<string, string>): Record<string, unknown> {
    const gzip = spec.gzip ?? true;
    const strip = spec.strip ?? (spec.files || (!spec.entries && !spec.archive) ? 1 : 0);
    const files =
      spec.files ??
      Object.fromEntries(
        Object.values(bins).map((rel) => [
          rel,
          { content: binScript(this.tool, spec.version), mode: 0o755 },
        ]),
      );
    const entries = spec.entries ?? installTree(`${this.tool}-${spec.version}`, files);
    const archive = spec.archive ?? (gzip ? tarGz(entries) : tarBuffer(entries));
    const platforms = spec.platforms ?? [{ os: process.platform, arch: process.arch }];
    const artifacts = platforms.map(({ os, arch }) => {
      const name = `archives/${spec.archiveName ?? `${this.tool}-${spec.version}-${os}-${arch}.${gzip ? 'tar.gz' : 'tar'}`}`;
      this.#files.set(`/${name}`, archive);
      this.#archives.set(`${spec.version}/${os}/${arch}`, `/${name}`);
      return {
        os,
        arch,
        url: name,
        sha256: sha256(archive),
        size: archive.length,
        strip,
        ...spec.artifact,
      };
    });
    return {
      version: spec.version,
      ...(spec.published ? { published: spec.published } : {}),
      ...(spec.bins ? { bins: spec.bins } : {}),
      artifacts,
    };
  }

  /** Listen on a free loopback port. */
  async listen(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const { port } = this.#server.address() as AddressInfo;
    const scheme = this.#server instanceof https.Server ? 'https' : 'http';
    this.url = `${scheme}://127.0.0.1:${port}/`;
    this.indexUrl = `${this.url}index.json`;
    return this;
  }

  /** Serve this instead of the generated index: a document, or raw text or bytes (broken JSON…). */
  setIndex(doc: unknown): void {
    this.#rawIndex = typeof doc === 'string' || Buffer.isBuffer(doc) ? doc : JSON.stringify(doc);
  }

  /** The URL path of a version's archive for a platform (default: this machine). */
  archivePath(version: string, os: string = process.platform, arch: string = process.arch): string {
    const found = this.#archives.get(`${version}/${os}/${arch}`);
    if (!found) throw new Error(`no archive for ${version} ${os}-${arch}`);
    return found;
  }

  /** The bytes of a version's archive. */
  archive(version: string): Buffer {
    return this.#files.get(this.archivePath(version))!;
  }

  /** Queue misbehaviours for `path`: the next request gets the first, and so on; then normal. */
  misbehave(path: string, ...behaviours: Misbehaviour[]): void {
    this.#misbehaviours.set(path, [...(this.#misbehaviours.get(path) ?? []), ...behaviours]);
  }

  /** Hold every request to `path` until `until` settles. */
  gate(path: string, until: Promise<unknown>): void {
    this.#gates.set(path, until);
  }

  /** How many requests `path` got. */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  /** Resolves once `predicate` holds (checked on every request). */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.#events.off('request', check);
        resolve();
      };
      this.#events.on('request', check);
    });
  }

  /**
   * Resolves once the answer to `request` is over for the server: all of it sent, or its
   * connection gone (the client hung up).
   */
  answerClosed(request: RecordedRequest): Promise<void> {
    return this.#answered.get(request)!;
  }

  /** Resolves when a `stallAfter` answer to `path` has sent its bytes and gone silent. */
  stalled(path: string): Promise<void> {
    return new Promise((resolve) => this.#events.once(`stalled ${path}`, () => resolve()));
  }

  /**
   * Cut every connection and stop listening. Closing again (a test that closed its server, then
   * the end of the test) waits for the first close and does nothing more.
   */
  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
    return this.#closed;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
      ifNoneMatch: req.headers['if-none-match'],
      authorization: req.headers.authorization,
      status: 0,
      sent: 0,
    };
    this.#answered.set(record, new Promise((resolve) => res.once('close', () => resolve())));
    this.requests.push(record);
    this.#events.emit('request', record);
    await this.#gates.get(path);
    const misbehaviour = this.#misbehaviours.get(path)?.shift() ?? {};
    if (misbehaviour.hang) return;
    const send = (status: number, headers: http.OutgoingHttpHeaders, plain: Buffer) => {
      record.status = status;
      const { encode } = misbehaviour;
      const body = encode ? ENCODERS[encode](plain) : plain;
      res.writeHead(status, {
        'content-length': body.length,
        ...headers,
        ...(encode ? { 'content-encoding': encode } : {}),
        ...misbehaviour.headers,
      });
      if (misbehaviour.dropAfter !== undefined) {
        res.write(body.subarray(0, misbehaviour.dropAfter), () => res.socket?.destroy());
      } else if (misbehaviour.stallAfter !== undefined) {
        res.write(body.subarray(0, misbehaviour.stallAfter), () =>
          this.#events.emit(`stalled ${path}`),
        );
      } else if (misbehaviour.trickle) {
        trickle(res, body, misbehaviour.trickle);
      } else {
        res.end(body);
      }
    };
    if (this.#authorization !== undefined && record.authorization !== this.#authorization) {
      send(401, { 'www-authenticate': 'Basic realm="dist"' }, Buffer.from('who are you?\n'));
      return;
    }
    if (misbehaviour.endless) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/octet-stream', ...misbehaviour.headers });
      sendForEver(res, record);
      return;
    }
    if (misbehaviour.status !== undefined) {
      send(
        misbehaviour.status,
        { 'content-type': 'text/plain' },
        Buffer.from('misbehaving on purpose\n'),
      );
      return;
    }
    const body =
      path === '/index.json'
        ? Buffer.from(this.#rawIndex ?? JSON.stringify(this.index))
        : this.#files.get(path);
    if (!body) {
      send(404, { 'content-type': 'text/plain' }, Buffer.from('not found\n'));
      return;
    }
    const etag = `"${sha256(body).slice(0, 16)}"`;
    const served = misbehaviour.corrupt
      ? Buffer.from(body.map((b, i) => (i === body.length >> 1 ? b ^ 0xff : b)))
      : body;
    const common = misbehaviour.noValidators
      ? {}
      : { etag, 'last-modified': LAST_MODIFIED, 'accept-ranges': 'bytes' };
    if (record.ifNoneMatch === etag) {
      record.status = 304;
      res.writeHead(304, common).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(record.range ?? '');
    const rangeValid =
      record.ifRange === undefined || record.ifRange === etag || record.ifRange === LAST_MODIFIED;
    if (range && rangeValid && !misbehaviour.ignoreRange) {
      const start = Number(range[1]);
      if (start >= served.length) {
        send(416, { 'content-range': `bytes */${served.length}` }, Buffer.alloc(0));
        return;
      }
      send(
        206,
        { ...common, 'content-range': `bytes ${start}-${served.length - 1}/${served.length}` },
        misbehaviour.wholeBodyIn206 ? served : served.subarray(start),
      );
      return;
    }
    send(
      200,
      {
        ...common,
        'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      },
      served,
    );
  }
}

/** Write `body` in slices of `bytes`, one every `everyMs`, until it is all sent or the client leaves. */
function trickle(
  res: http.ServerResponse,
  body: Buffer,
  { bytes, everyMs }: { bytes: number; everyMs: number },
): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return;
    res.write(body.subarray(sent, sent + bytes));
    sent += bytes;
    if (sent >= body.length) res.end();
  }, everyMs);
  res.once('close', () => clearInterval(timer));
}

/** Write chunks for as long as the client reads them (it has to hang up), counting them. */
function sendForEver(res: http.ServerResponse, record: RecordedRequest): void {
  const chunk = Buffer.alloc(1 << 16, 0x61);
  const pump = () => {
    while (!res.destroyed) {
      record.sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/**
 * Start a distribution server that the caller closes with `close()`: one shared by the tests of a
 * file or describe, started in beforeAll and closed in afterAll. In a test, use
 * startDistServerForTest.
 */
export async function startDistServer(options: DistServerOptions): Promise<DistServer> {
  return new DistServer(options).listen();
}

/**
 * Start a distribution server closed when the current test ends (after its afterEach hooks). The
 * test may close it earlier itself (to see how a client takes a server going away).
 */
export async function startDistServerForTest(options: DistServerOptions): Promise<DistServer> {
  const server = new DistServer(options);
  // Registered before listening, while this test is surely the current one.
  closeWhenTestEnds(() => server.close(), {
    opener: 'startDistServerForTest()',
    shared: 'start it with startDistServer() in beforeAll() and close it in afterAll()',
  });
  return server.listen();
}
