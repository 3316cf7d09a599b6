// The settings a user gives: environment over config.json over the spec's defaults.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/supervisor/clock.js';
import {
  DEFAULT_SETTINGS,
  settingsFromEnv,
  stopTimeoutSetting,
} from '../../src/supervisor/settings.js';

describe('settingsFromEnv', () => {
  it('uses the spec’s defaults when nothing is set', () => {
    expect(settingsFromEnv({}, {})).toEqual({
      restart: 'on-abnormal',
      maxRestarts: 5,
      restartWindowMs: 60_000,
      readyTimeoutMs: 30_000,
      stopTimeoutMs: 5000,
    });
    expect(settingsFromEnv({})).toEqual(DEFAULT_SETTINGS);
  });

  it('lets config.json set each value, and the environment override it', () => {
    const config = {
      restart: 'always',
      maxRestarts: 2,
      restartWindowMs: 1000,
      readyTimeoutMs: 2000,
      stopTimeoutMs: 3000,
    };
    expect(settingsFromEnv({}, config)).toEqual(config);
    const env = {
      LAUNCHER_RESTART: 'no',
      LAUNCHER_MAX_RESTARTS: '9',
      LAUNCHER_RESTART_WINDOW_MS: '10',
      LAUNCHER_READY_TIMEOUT_MS: '0',
      LAUNCHER_STOP_TIMEOUT_MS: '300',
    };
    expect(settingsFromEnv(env, config)).toEqual({
      restart: 'no',
      maxRestarts: 9,
      restartWindowMs: 10,
      readyTimeoutMs: 0,
      stopTimeoutMs: 300,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(
      settingsFromEnv({ LAUNCHER_RESTART: '', LAUNCHER_STOP_TIMEOUT_MS: '' }, { stopTimeoutMs: 7 }),
    ).toMatchObject({
      restart: 'on-abnormal',
      stopTimeoutMs: 7,
    });
  });

  it('refuses an unknown restart policy, naming where it came from', () => {
    expect(() => settingsFromEnv({ LAUNCHER_RESTART: 'sometimes' })).toThrow(
      expect.objectContaining({
        code: 'E_BAD_CONFIG',
        message: expect.stringContaining('LAUNCHER_RESTART'),
      }),
    );
    expect(() => settingsFromEnv({}, { restart: 'maybe' })).toThrow(
      expect.objectContaining({
        code: 'E_BAD_CONFIG',
        message: expect.stringContaining('config.json'),
      }),
    );
  });

  it('accepts the longest delay a timer keeps (2^31-1 ms), and any number of restarts', () => {
    expect(
      settingsFromEnv({
        LAUNCHER_READY_TIMEOUT_MS: '2147483647',
        LAUNCHER_MAX_RESTARTS: '3000000000',
      }),
    ).toMatchObject({ readyTimeoutMs: 2147483647, maxRestarts: 3000000000 });
  });

  // Node fires a timer of more than 2^31-1 ms after 1 ms: 35 days would kill a child at once.
  for (const value of ['-1', '1.5', 'ten', '1e3', ' ', '2147483648', '3000000000']) {
    it(`refuses LAUNCHER_STOP_TIMEOUT_MS="${value}" with the variable named and a fix`, () => {
      let error: unknown;
      try {
        settingsFromEnv({ LAUNCHER_STOP_TIMEOUT_MS: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'E_BAD_CONFIG', exitCode: 2 });
      expect((error as Error).message).toContain('LAUNCHER_STOP_TIMEOUT_MS');
      expect((error as { hint: string }).hint).toContain('milliseconds');
    });
  }
});

describe('systemClock', () => {
  // A library user may pass `stopTimeoutMs: 3e9` to a Supervisor directly, past the settings'
  // checks: Node would fire that timer after 1 ms (and warn), killing a child at once.
  it('waits as long as a timer can for a delay no timer keeps, instead of firing at once', async () => {
    let fired = false;
    const handle = systemClock.setTimeout(() => {
      fired = true;
    }, 3e9);
    await new Promise((resolve) => setTimeout(resolve, 50));
    systemClock.clearTimeout(handle);
    expect(fired).toBe(false);
  });
});

describe('stopTimeoutSetting', () => {
  // What `launcher stop` waits by: another setting's mistake must not keep it from stopping.
  it('reads the stop timeout alone, and falls back to the default on a mistake', () => {
    expect(
      stopTimeoutSetting({ LAUNCHER_MAX_RESTARTS: 'lots', LAUNCHER_STOP_TIMEOUT_MS: '250' }),
    ).toBe(250);
    expect(stopTimeoutSetting({}, { stopTimeoutMs: 900.5 })).toBe(900);
    expect(stopTimeoutSetting({ LAUNCHER_STOP_TIMEOUT_MS: 'soon' })).toBe(5000);
    expect(stopTimeoutSetting({})).toBe(5000);
  });
});
