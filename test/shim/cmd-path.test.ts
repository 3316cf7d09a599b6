// The .cmd shim spells its paths in ASCII, and doctor reads them back as cmd.exe would run them.
import { describe, expect, it } from 'vitest';
import { commandWords } from '../../src/doctor/shim-file.js';
import { cmdPath, expandCmdWord } from '../../src/shim/cmd-path.js';
import { renderShim } from '../../src/shim/rehash.js';

const profile = 'C:\\Users\\José';
const env = {
  USERPROFILE: profile,
  APPDATA: `${profile}\\AppData\\Roaming`,
  LOCALAPPDATA: `${profile}\\AppData\\Local`,
};
const shims = `${profile}\\AppData\\Local\\launcher\\Data\\shims`;
const entry = `${profile}\\AppData\\Roaming\\npm\\node_modules\\launcher\\bin\\launcher-shim.mjs`;
const isAscii = (text: string) => /^[\x00-\x7F]*$/.test(text);

// Render a .cmd shim in `dir`, and read its Node and entry back as doctor does.
function roundTrip(node: string, entryPath: string, dir: string) {
  const nonAscii: string[] = [];
  const text = renderShim(
    'mycc',
    { node, entry: entryPath, blob: `${dir}\\unused` },
    { windows: true, dir, env, onNonAscii: (file) => nonAscii.push(file) },
  );
  return { text, nonAscii, words: commandWords(text, dir, env) };
}

describe('paths in a .cmd shim', () => {
  it('keeps an ASCII path as it is, with % doubled, and reads it back with one %', () => {
    const node = 'C:\\Program Files\\nodejs 100%\\node.exe';
    const { text, words, nonAscii } = roundTrip(node, 'C:\\tools\\%PATH%\\shim.mjs', shims);
    expect(text).toContain('"C:\\Program Files\\nodejs 100%%\\node.exe" ');
    expect(text).toContain(' "C:\\tools\\%%PATH%%\\shim.mjs" ');
    expect(words).toEqual([node, 'C:\\tools\\%PATH%\\shim.mjs', 'mycc']);
    expect(nonAscii).toEqual([]);
  });

  it('writes a path outside ASCII relative to the shim on the same drive', () => {
    const { text, words, nonAscii } = roundTrip(
      'C:\\Program Files\\nodejs\\node.exe',
      entry,
      shims,
    );
    expect(isAscii(text)).toBe(true);
    expect(text).toContain(
      ' "%~dp0..\\..\\..\\..\\Roaming\\npm\\node_modules\\launcher\\bin\\launcher-shim.mjs" ',
    );
    expect(words).toEqual(['C:\\Program Files\\nodejs\\node.exe', entry, 'mycc']);
    expect(nonAscii).toEqual([]);
  });

  it('writes it from the longest user folder when the shims are on another drive', () => {
    const node = `${profile}\\AppData\\Local\\fnm 100%\\node.exe`;
    const { text, words, nonAscii } = roundTrip(node, entry, 'D:\\launcher\\shims');
    expect(isAscii(text)).toBe(true);
    expect(text).toContain('"%LOCALAPPDATA%\\fnm 100%%\\node.exe" ');
    expect(text).toContain(' "%APPDATA%\\npm\\node_modules\\launcher\\bin\\launcher-shim.mjs" ');
    expect(words).toEqual([node, entry, 'mycc']);
    expect(nonAscii).toEqual([]);
  });

  it('matches a user folder whatever its case, and one spelt with a trailing backslash', () => {
    expect(cmdPath('c:\\users\\josé\\tools\\node.exe', 'D:\\s', env).word).toBe(
      '"%USERPROFILE%\\tools\\node.exe"',
    );
    const trailing = { USERPROFILE: 'E:\\Users\\José\\' };
    const word = cmdPath('E:\\Users\\José\\node.exe', 'D:\\s', trailing).word;
    expect(word).toBe('"%USERPROFILE%node.exe"');
    expect(expandCmdWord(word.slice(1, -1), 'D:\\s', trailing)).toBe('E:\\Users\\José\\node.exe');
  });

  it('writes a path it cannot spell in ASCII as it is, and says which', () => {
    const node = 'E:\\Outils\\Nœud\\node.exe';
    const { text, words, nonAscii } = roundTrip(node, entry, 'D:\\launcher\\shims');
    expect(text).toContain(`"${node}" `);
    expect(words).toEqual([node, entry, 'mycc']);
    expect(nonAscii).toEqual([node]);
  });

  it('expands %~dp0 to the shim’s folder, %NAME% from the environment, %% to %', () => {
    expect(expandCmdWord('%~dp0..\\a%%b\\%TEMP%\\c', 'C:\\x\\shims', { TEMP: 'T' })).toBe(
      'C:\\x\\a%b\\T\\c',
    );
    // An unset variable expands to nothing in a batch file.
    expect(expandCmdWord('%NOPE%\\node.exe', 'C:\\x', {})).toBe('\\node.exe');
  });
});
