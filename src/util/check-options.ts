// Checking the options a program passes to the libraries: a wrong one is an E_USAGE error that
// names it, what it got and what it takes. Loaded by the worker too: it imports only errors.js.
import { LauncherError } from '../errors.js';

/** What one option accepts: a test, and the same in words for the message. */
export interface OptionRule {
  ok: (value: unknown) => boolean;
  takes: string;
  required?: boolean;
}

export const aString: OptionRule = { ok: (v) => typeof v === 'string', takes: 'a string' };
export const aBoolean: OptionRule = { ok: (v) => typeof v === 'boolean', takes: 'true or false' };
export const aFunction: OptionRule = { ok: (v) => typeof v === 'function', takes: 'a function' };
export const anObject: OptionRule = { ok: isObject, takes: 'an object' };

export function oneOf(values: readonly string[]): OptionRule {
  return { ok: (v) => values.includes(v as string), takes: `one of ${values.join(', ')}` };
}

/** A whole number from 0 to `max` of `unit` (say "milliseconds"). */
export function wholeNumber(unit: string, max = Number.MAX_SAFE_INTEGER): OptionRule {
  const range = max === Number.MAX_SAFE_INTEGER ? '0 or more' : `from 0 to ${max}`;
  return {
    ok: (v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max,
    takes: `a whole number of ${unit}, ${range}`,
  };
}

/**
 * Throw E_USAGE unless `options` is an object whose options each pass their rule (an option
 * left undefined passes unless required). `call` names the call ("connect()"), `docs` where its
 * options are described. Options without a rule are not looked at.
 */
export function checkOptions(
  call: string,
  options: unknown,
  rules: Readonly<Record<string, OptionRule>>,
  docs: string,
): void {
  const hint = `See the options of ${call} in ${docs}.`;
  if (!isObject(options))
    throw new LauncherError('E_USAGE', `${call} takes an options object, not ${shown(options)}`, {
      hint,
    });
  for (const [name, rule] of Object.entries(rules)) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined ? !rule.required : rule.ok(value)) continue;
    const got = value === undefined ? 'is missing' : `is ${shown(value)}`;
    throw new LauncherError('E_USAGE', `${call}: option ${name} ${got}; it takes ${rule.takes}`, {
      hint,
    });
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A wrong value as the message shows it, with its kind; an object's content is not shown (an
// environment would be long, and may hold secrets).
function shown(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && !Array.isArray(value)) return 'an object';
  const text = typeof value === 'string' || Array.isArray(value) ? jsonOf(value) : String(value);
  const kind = Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `${text.length > 40 ? `${text.slice(0, 40)}…` : text} (${kind})`;
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
