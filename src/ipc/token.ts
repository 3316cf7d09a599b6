// The secret a child proves itself with: fresh for every child, compared in constant time.
import { nodeCrypto, randomHex } from '../util/random.js';

/** 64 hex characters from the CSPRNG (spec §6: `LAUNCHER_TOKEN`). */
export function newToken(): string {
  return randomHex(32);
}

/** Whether `offered` is `expected`, without leaking through timing how much of it matched. */
export function sameToken(expected: string, offered: unknown): boolean {
  if (typeof offered !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(offered, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a token is no secret.
  return a.length === b.length && nodeCrypto().timingSafeEqual(a, b);
}
