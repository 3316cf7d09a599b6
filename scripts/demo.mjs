#!/usr/bin/env node
// `npm run demo`: the whole story on the built-in sample distribution, offline, in a temporary
// directory: a pinned project, the compiler installed on first use, supervised, its port and
// diagnostics reported back, a crash restarted, a second project on another version, a clean stop.
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSampleDist } from './sample-dist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER = path.join(root, 'bin', 'launcher');
const SAMPLES = path.join(root, 'examples', 'mycc', 'samples');
const started = Date.now();
const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'launcher-demo-')));
const running = [];
let server;

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line) => say(`\n▸ ${line}`);

/** The environment of everything the demo runs: its own home, the sample index, nothing else. */
function demoEnv(distUrl) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !key.startsWith('LAUNCHER_') &&
      !/^(https?|no)_proxy$/i.test(key) &&
      key !== 'XDG_RUNTIME_DIR'
    ) {
      env[key] = value;
    }
  }
  return { ...env, LAUNCHER_HOME: path.join(work, 'home'), LAUNCHER_DIST_URL: distUrl };
}

// Asynchronous on purpose: the distribution server lives in this process and must keep answering.
function launcher(args, env, cwd) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [LAUNCHER, ...args],
      { env, cwd, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`launcher ${args.join(' ')} failed (${error.code}):\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Serve the distribution's directory over loopback HTTP on an ephemeral port. */
function serveDirectory(dir) {
  const srv = http.createServer((req, res) => {
    const file = path.join(
      dir,
      path.basename(decodeURIComponent(new URL(req.url, 'http://x').pathname)),
    );
    try {
      res.writeHead(200, { 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

function project(name, pin, samples) {
  const dir = path.join(work, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, '.tool-version'), `${pin}\n`);
  for (const sample of samples) copyFileSync(path.join(SAMPLES, sample), path.join(dir, sample));
  return dir;
}

/**
 * Start `mycc serve` through its shim, as a user would. Its stderr (the install progress) goes
 * to the terminal as it is, so a terminal shows the real progress bar; otherwise it is indented.
 */
function serveThroughShim(shim, env, cwd) {
  const tty = process.stderr.isTTY === true;
  const child = spawn(shim, ['serve'], {
    env,
    cwd,
    stdio: ['ignore', 'ignore', tty ? 'inherit' : 'pipe'],
  });
  child.stderr?.on('data', (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) say(`    ${line}`);
  });
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  running.push({ child, exited });
  return { child, exited };
}

async function until(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sessions = async (env, cwd) => JSON.parse(await launcher(['status', '--json'], env, cwd));
const sessionOf = async (env, dir) => (await sessions(env, dir)).find((s) => s.projectRoot === dir);

async function getJson(url) {
  const res = await fetch(url);
  return res.json();
}

async function main() {
  step('Building the sample distribution (mycc 1.4.2, 1.5.0, 2.0.0) and serving it on loopback');
  const dist = await buildSampleDist(path.join(work, 'dist'));
  server = await serveDirectory(dist.outDir);
  const distUrl = `http://127.0.0.1:${server.address().port}/index.json`;
  const env = demoEnv(distUrl);
  say(`  index: ${distUrl}`);
  say(`  LAUNCHER_HOME: ${env.LAUNCHER_HOME}`);

  step('launcher rehash: shims for the bins the index declares, before anything is installed');
  const proj1 = project('project-one', '1.4', ['hello.my', 'broken.my']);
  await launcher(['rehash'], env, proj1);
  const shim = path.join(env.LAUNCHER_HOME, 'shims', 'mycc');
  say(`  shim: ${shim}`);
  say(
    `  ${proj1}/.tool-version pins 1.4; launcher current says: ${(await launcher(['current'], env, proj1)).trim()}`,
  );

  step('Running `mycc serve` in project-one through the shim: 1.4 is installed on first use');
  const first = serveThroughShim(shim, env, proj1);
  const ready1 = await until('project-one to be ready', async () => {
    const s = await sessionOf(env, proj1);
    return s?.state === 'ready' ? s : undefined;
  });
  say(`  supervised: session ${ready1.session}, mycc ${ready1.version}, pid ${ready1.childPid}`);
  say(`  the compiler reported its server port over the launcher socket: ${ready1.port}`);
  const page = await getJson(`http://127.0.0.1:${ready1.port}/`);
  const hello = page.files.find((f) => f.file.endsWith('hello.my'));
  say(
    `  GET http://127.0.0.1:${ready1.port}/ → ${page.errors} errors; hello.my printed ${JSON.stringify(hello?.output ?? [])}`,
  );

  step('Diagnostics it published, as `launcher diagnostics --format tsc` prints them');
  await until('diagnostics', async () =>
    (await launcher(['diagnostics', '--json'], env, proj1)).includes('MYCC'),
  );
  for (const line of (await launcher(['diagnostics', '--format', 'tsc'], env, proj1))
    .trim()
    .split('\n'))
    say(`  ${line}`);

  step('What an editor sees: `launcher lsp` (an LSP server on stdio) attached to this project');
  for (const line of await editorView(env, proj1)) say(`  ${line}`);

  step('Injecting a crash (GET /crash?signal=SIGKILL): the supervisor restarts the compiler');
  await fetch(`http://127.0.0.1:${ready1.port}/crash?signal=SIGKILL`).catch(() => {});
  const back = await until('the restart', async () => {
    const s = await sessionOf(env, proj1);
    return s?.state === 'ready' && s.restarts > 0 ? s : undefined;
  });
  say(`  restarted: restarts=${back.restarts}, new pid ${back.childPid}, new port ${back.port}`);

  step('A second project pinned to 2.0.0, running at the same time on its own port');
  const proj2 = project('project-two', '2.0.0', ['template.my']);
  const second = serveThroughShim(shim, env, proj2);
  const ready2 = await until('project-two to be ready', async () => {
    const s = await sessionOf(env, proj2);
    return s?.state === 'ready' ? s : undefined;
  });
  say(
    `  mycc ${ready2.version} serves project-two on port ${ready2.port} (project-one: ${back.port})`,
  );

  step('launcher status');
  for (const line of (await launcher(['status'], env, proj1)).trim().split('\n')) say(`  ${line}`);

  step('Stopping both gracefully with `launcher stop`');
  await launcher(['stop', '--dir', proj1], env, proj1);
  await launcher(['stop', '--dir', proj2], env, proj2);
  const ends = await Promise.all([first.exited, second.exited]);
  say(
    `  both exited (${ends.map((e) => e.code ?? e.signal).join(', ')}); live sessions left: ${(await sessions(env, proj1)).length}`,
  );
  return ends.every((e) => e.code === 0) ? 0 : 1;
}

/** Speak LSP to `launcher lsp` like an editor: initialize, collect what it publishes, shut down. */
async function editorView(env, dir) {
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import(
    'vscode-jsonrpc/node'
  );
  const child = spawn(process.execPath, [LAUNCHER, 'lsp'], {
    env,
    cwd: dir,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const client = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const published = new Map();
  client.onNotification('textDocument/publishDiagnostics', (p) =>
    published.set(p.uri, p.diagnostics),
  );
  client.listen();
  await client.sendRequest('initialize', {
    processId: process.pid,
    rootUri: `file://${dir}`,
    capabilities: {},
  });
  await client.sendNotification('initialized', {});
  await until('the editor view', () => [...published.values()].some((d) => d.length > 0), 10_000);
  await client.sendRequest('shutdown');
  await client.sendNotification('exit');
  await exited;
  client.dispose();
  return [...published].map(([uri, diagnostics]) => {
    const where = diagnostics.map(
      (d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`,
    );
    return `${path.basename(uri)}: ${diagnostics.length} diagnostics ${where.join(' ')}`.trim();
  });
}

async function cleanUp() {
  for (const { child, exited } of running) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }
  server?.close();
  rmSync(work, { recursive: true, force: true });
}

let code = 1;
try {
  code = await main();
  say(
    `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s; nothing is left running, and ${work} is removed.`,
  );
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error.message}\n`);
} finally {
  await cleanUp();
}
process.exitCode = code;
