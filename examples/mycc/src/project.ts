// A project is the `*.my` files directly inside one directory, compiled and run together.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource } from './compile.js';
import type { Diagnostic } from './diagnostics.js';
import { evaluate } from './evaluate.js';
import type { Features } from './version.js';

/** One file's compilation: its diagnostics, the JavaScript and what running it printed. */
export interface FileResult {
  /** Path relative to the project directory. */
  file: string;
  uri: string;
  diagnostics: Diagnostic[];
  js: string | null;
  output: string[] | null;
}

/** The whole project after one compilation, as `GET /` serves it. */
export interface ProjectResult {
  root: string;
  files: FileResult[];
  errors: number;
  warnings: number;
}

/** Whether a directory entry name is a mycc source file. */
export function isSourceName(name: string): boolean {
  return name.endsWith('.my') && !name.startsWith('.');
}

/** Compiles (and, when error-free, evaluates) every source file of the project, sorted by name. */
export function compileProject(root: string, features: Features): ProjectResult {
  const names = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isSourceName(entry.name))
    .map((entry) => entry.name)
    .sort();
  const files: FileResult[] = [];
  for (const name of names) {
    const absolute = path.join(root, name);
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8');
    } catch {
      continue; // deleted between listing and reading: the next change event recompiles
    }
    const { diagnostics, js } = compileSource(text, features);
    const output = js === null ? null : evaluate(js);
    files.push({ file: name, uri: pathToFileURL(absolute).href, diagnostics, js, output });
  }
  const all = files.flatMap((f) => f.diagnostics);
  return {
    root,
    files,
    errors: all.filter((d) => d.severity === 1).length,
    warnings: all.filter((d) => d.severity === 2).length,
  };
}
