// The builtin functions of mycc: their signatures for the checker and their code for evaluation.

/** The value types of mycc; `void` is what `print` gives back, usable nowhere. */
export type Type = 'number' | 'string' | 'void';

/** A builtin's signature: fixed parameter types, or `any` for one or more printable values. */
export interface Builtin {
  params: Type[] | 'any';
  result: Type;
  run: (...args: Array<number | string>) => number | string | undefined;
}

/** Every function a program can call; there are no user-defined functions. */
export function builtins(print: (line: string) => void): Record<string, Builtin> {
  return {
    print: { params: 'any', result: 'void', run: (...args) => void print(args.join(' ')) },
    len: { params: ['string'], result: 'number', run: (s) => String(s).length },
    str: { params: ['number'], result: 'string', run: (n) => String(n) },
    num: { params: ['string'], result: 'number', run: (s) => Number(s) },
    upper: { params: ['string'], result: 'string', run: (s) => String(s).toUpperCase() },
  };
}

/** The signatures alone, for checking. */
export const SIGNATURES: Readonly<Record<string, Builtin>> = builtins(() => {});
