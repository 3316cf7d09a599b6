// `mycc check FILE…`: prints each file's diagnostics and hands them to the launcher if supervised.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource } from './compile.js';
import { type Diagnostic, formatDiagnostic, hasErrors } from './diagnostics.js';
import type { Features } from './version.js';

/** Where `check` writes, and where its diagnostics go besides the terminal. */
export interface CheckIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  publish?: (uri: string, diagnostics: Diagnostic[]) => void;
}

/** Checks the files; the exit code is 1 when any has an error, 2 when one cannot be read. */
export function runCheck(files: string[], features: Features, io: CheckIo): number {
  let failed = false;
  let unreadable = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      io.stderr(`mycc: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      unreadable = true;
      continue;
    }
    const { diagnostics } = compileSource(text, features);
    for (const diagnostic of diagnostics) io.stdout(formatDiagnostic(file, diagnostic));
    io.publish?.(pathToFileURL(path.resolve(file)).href, diagnostics);
    failed ||= hasErrors(diagnostics);
  }
  return unreadable ? 2 : failed ? 1 : 0;
}
