// `launcher init`: the snippet that puts the shims first on PATH, for each supported shell.
import path from 'node:path';
import { quoteFish, quotePosix, quotePwsh } from './shell-quote.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'pwsh', 'sh'] as const;
export type Shell = (typeof SHELLS)[number];

/** Guess the user's shell from the environment (SHELL on POSIX, PowerShell on Windows). */
export function detectShell(env: NodeJS.ProcessEnv): Shell {
  // PowerShell's module directories: `…\PowerShell\Modules` on Windows, `…/powershell/Modules`
  // elsewhere.
  if (process.platform === 'win32' || /powershell/i.test(env.PSModulePath ?? '')) return 'pwsh';
  const name = path.basename(env.SHELL ?? '');
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : 'sh';
}

/**
 * The lines to add to the shell's start-up file. The directory is quoted for that shell, so a
 * home whose path holds `$`, a backtick or a quote is put on PATH as it is and runs nothing.
 * POSIX shells and fish move the directory to the front when it is on PATH but behind something
 * (a nested shell whose start-up file put another directory first again), and leave PATH alone
 * when it is first already, so reading the lines twice adds nothing. PowerShell's add it when PATH
 * lacks it. All set PATH for this session only: fish's `fish_add_path` would skip a directory not
 * made yet (before the first `launcher rehash`) and keep it in the universal `fish_user_paths`
 * after these lines are gone.
 */
export function initSnippet(shell: Shell, shimsDir: string): string {
  const comment = '# launcher: put the compiler shims first on PATH\n';
  switch (shell) {
    case 'fish': {
      const q = quoteFish(shimsDir);
      return (
        `${comment}if test "$PATH[1]" != ${q}\n` +
        `  while set -l i (contains -i -- ${q} $PATH); set -e PATH[$i]; end\n` +
        `  set -gx PATH ${q} $PATH\n` +
        'end\n'
      );
    }
    case 'pwsh': {
      // `-notcontains` compares without case, as Windows compares paths.
      const q = quotePwsh(shimsDir);
      const sep = '[IO.Path]::PathSeparator';
      return `${comment}if (($env:PATH -split ${sep}) -notcontains ${q}) { $env:PATH = ${q} + ${sep} + $env:PATH }\n`;
    }
    default: {
      // Every copy is cut out of ":$PATH:" (a copy sits between two colons), then the directory
      // goes in front, unless it is first already; empty entries of PATH (the current
      // directory) are kept as they were. Both tests use the cut itself, which compares letter
      // case always: a `case` test would match other cases under bash's nocasematch.
      const q = quotePosix(shimsDir);
      return (
        `${comment}launcher_path=":$PATH:"; launcher_cut=\${launcher_path#:${q}:}\n` +
        'if [ "$launcher_cut" = "$launcher_path" ]; then\n' +
        `  while launcher_cut=\${launcher_path%%:${q}:*}; [ "$launcher_cut" != "$launcher_path" ]; do\n` +
        `    launcher_path=$launcher_cut:\${launcher_path#*:${q}:}\n` +
        '  done\n' +
        `  launcher_path=\${launcher_path#:}; launcher_path=\${launcher_path%:}\n` +
        `  export PATH=${q}\${launcher_path:+:$launcher_path}\n` +
        'fi\n' +
        'unset launcher_path launcher_cut\n'
      );
    }
  }
}

/** Where each shell reads its start-up lines from (for the hint on stderr). */
export function startupFile(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return '~/.bashrc';
    case 'zsh':
      return '~/.zshrc';
    case 'fish':
      return '~/.config/fish/config.fish';
    case 'pwsh':
      return 'your PowerShell $PROFILE';
    case 'sh':
      return '~/.profile';
  }
}
