// Runs generated JavaScript in a fresh V8 context whose only global is the builtins object.
import vm from 'node:vm';
import { builtins } from './builtins.js';

/** What a program printed, line by line. */
export function evaluate(js: string, timeoutMs = 1000): string[] {
  const output: string[] = [];
  const runtime = Object.fromEntries(
    Object.entries(builtins((line) => output.push(line))).map(([name, builtin]) => [
      name,
      builtin.run,
    ]),
  );
  vm.runInNewContext(js, { $rt: runtime }, { timeout: timeoutMs });
  return output;
}
