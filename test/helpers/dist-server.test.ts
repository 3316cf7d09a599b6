// The helper's own guarantees: a distribution server started for a test is closed when that test
// ends, after its afterEach hooks, whether or not the test closed it first, and none is started
// outside a test.
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startDistServerForTest } from './dist-server.js';

const answers = async (url: string) => (await fetch(url)).status === 200;

describe('startDistServerForTest', () => {
  let url = '';
  afterEach(async () => {
    // The test's own cleanup still finds the server up.
    if (url) expect(await answers(url)).toBe(true);
    url = '';
  });

  it('closes the server when the test ends, after the afterEach hooks', async () => {
    // Registered first, so run last: after the helper's closing.
    const seen = { url: '' };
    onTestFinished(async () => {
      await expect(fetch(seen.url)).rejects.toThrow();
    });
    const server = await startDistServerForTest({ versions: [{ version: '1.0.0' }] });
    seen.url = url = server.indexUrl;
    expect(await answers(url)).toBe(true);
  });

  it('closes without complaint a server the test closed itself, even twice', async () => {
    const server = await startDistServerForTest({ versions: [{ version: '1.0.0' }] });
    expect(await answers(server.indexUrl)).toBe(true);
    void server.close();
    await server.close();
    await expect(fetch(server.indexUrl)).rejects.toThrow();
  });
});

describe('startDistServerForTest outside a test', () => {
  let refusal: unknown;
  beforeAll(async () => {
    refusal = await startDistServerForTest({ versions: [] }).catch((error: unknown) => error);
  });

  it('throws, saying where to call it and what to use for a shared server', () => {
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toContain(
      'startDistServerForTest() was called outside a test',
    );
    expect((refusal as Error).message).toContain(
      'start it with startDistServer() in beforeAll() and close it in afterAll()',
    );
  });
});
