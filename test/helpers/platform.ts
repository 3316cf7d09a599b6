// Windows code paths on this machine: `process.platform` set for one call only, then restored.

/**
 * Run `fn` while `process.platform` says `platform`, and put the real one back when it settles
 * (thrown or not). Only for code that reads `process.platform` at call time.
 */
export async function onPlatform<T>(
  platform: NodeJS.Platform,
  fn: () => T | Promise<T>,
): Promise<T> {
  const real = Object.getOwnPropertyDescriptor(process, 'platform')!;
  Object.defineProperty(process, 'platform', { ...real, value: platform });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'platform', real);
  }
}
