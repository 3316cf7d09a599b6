// What a program passes to `new Supervisor()`: checked at once, each mistake named.
import { describe, expect, it } from 'vitest';
import { Supervisor, type SupervisorOptions } from '../../src/supervisor/index.js';
import { cleanEnv } from '../helpers/env.js';
import { fixture, supervise } from './helpers.js';

describe('new Supervisor()', () => {
  it('runs the command without arguments when given no args', async () => {
    // Node with no script and stdin closed reads an empty program, and exits 0.
    const { supervisor } = supervise({ command: process.execPath } as never);
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 0, cause: 'exited' });
  });

  const child = fixture('crash.mjs');
  const mistakes: [string, unknown, RegExp][] = [
    [
      'options that are no object',
      42,
      /^new Supervisor\(\) takes an options object, not 42 \(a number\)$/,
    ],
    ['no options', undefined, /^new Supervisor\(\) takes an options object, not undefined$/],
    [
      'no command',
      { args: [] },
      /^new Supervisor\(\): option command is missing; it takes the program to run, a non-empty string$/,
    ],
    [
      'a command that is a number',
      { ...child, command: 42 },
      /option command is 42 \(a number\); it takes the program to run/,
    ],
    [
      'args that are a string',
      { ...child, args: 'serve' },
      /option args is "serve" \(a string\); it takes an array of strings$/,
    ],
    [
      'args holding a number',
      { ...child, args: ['a', 1] },
      /option args is \["a",1\] \(an array\); it takes an array of strings$/,
    ],
    [
      'an unknown restart policy',
      { ...child, restart: 'sometimes' },
      /option restart is "sometimes" \(a string\); it takes one of no, on-abnormal, on-failure, always$/,
    ],
    [
      'a timeout given as a string',
      { ...child, stopTimeoutMs: '1000' },
      /option stopTimeoutMs is "1000" \(a string\); it takes a whole number of milliseconds, 0 or more$/,
    ],
    [
      'a negative restart count',
      { ...child, maxRestarts: -1 },
      /option maxRestarts is -1 \(a number\); it takes a whole number of restarts, 0 or more$/,
    ],
    [
      'an unknown stdio',
      { ...child, stdio: 'ignore' },
      /option stdio is "ignore" \(a string\); it takes one of inherit, pipe$/,
    ],
    [
      'paths without a state directory',
      { ...child, paths: {} },
      /option paths is an object; it takes the launcher paths/,
    ],
    [
      'an env that is a string',
      { ...child, env: 'PATH=/bin' },
      /option env is "PATH=\/bin" \(a string\); it takes an object$/,
    ],
  ];
  for (const [what, options, message] of mistakes) {
    it(`throws E_USAGE naming the option for ${what}`, () => {
      let thrown: unknown;
      try {
        new Supervisor(options as SupervisorOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({
        code: 'E_USAGE',
        exitCode: 2,
        message: expect.stringMatching(message),
        hint: 'See the options of new Supervisor() in docs/protocol.md §11.',
      });
    });
  }

  it('takes every option of a well-formed call', () => {
    const options: Required<Omit<SupervisorOptions, 'paths' | 'clock'>> = {
      ...child,
      cwd: process.cwd(),
      env: cleanEnv(),
      pathPrepend: '/opt/mycc/bin',
      sessionId: 'abc',
      name: 'mycc',
      restart: 'always',
      maxRestarts: 0,
      restartWindowMs: 0,
      readyTimeoutMs: 0,
      stopTimeoutMs: 10,
      helloTimeoutMs: 10,
      backoffBaseMs: 0,
      backoffMaxMs: 0,
      backoffResetMs: 0,
      random: Math.random,
      stdio: 'pipe',
      processGroup: 'own',
      watchdog: false,
      log: () => {},
    };
    expect(() => new Supervisor(options)).not.toThrow();
  });
});
