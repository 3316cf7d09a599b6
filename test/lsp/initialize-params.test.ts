// Which folder `launcher lsp` serves, from what the editor's `initialize` names.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkInitialize, editorFolder } from '../../src/lsp/initialize-params.js';

const here = path.resolve('/work/here');
const there = path.resolve('/work/there');
const folder = (params: object) => editorFolder(checkInitialize(params));

describe('editorFolder', () => {
  it('takes the first folder on this machine: rootUri, then workspaceFolders, then rootPath', () => {
    const remote = 'vscode-vfs://github/x/y';
    const workspace = [
      { uri: remote, name: 'y' },
      { uri: pathToFileURL(there).href, name: 'there' },
    ];
    expect(folder({ rootUri: pathToFileURL(here).href, workspaceFolders: workspace })).toEqual({
      kind: 'folder',
      dir: here,
    });
    expect(folder({ rootUri: remote, workspaceFolders: workspace, rootPath: here })).toEqual({
      kind: 'folder',
      dir: there,
    });
    expect(folder({ rootUri: remote, rootPath: here })).toEqual({ kind: 'folder', dir: here });
  });

  it('serves none when the editor names only folders elsewhere, and the cwd when it names none', () => {
    expect(folder({ rootUri: 'vscode-vfs://github/x/y' })).toEqual({
      kind: 'unserved',
      uri: 'vscode-vfs://github/x/y',
    });
    expect(folder({ rootUri: null, rootPath: null, workspaceFolders: [] })).toEqual({
      kind: 'none',
    });
    expect(folder({})).toEqual({ kind: 'none' });
  });

  it('refuses a file: URI that names no path here (E_USAGE), naming it', () => {
    expect(() => folder({ rootUri: 'file:///a%2Fb' })).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringContaining('file:///a%2Fb'),
      }),
    );
  });
});
