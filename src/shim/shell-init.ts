// `launcher init`: the snippet that puts the shims first on PATH, for each supported shell.
import path from 'node:path';

export const SHELLS = ['bash', 'zsh', 'fish', 'pwsh', 'sh'] as const;
export type Shell = (typeof SHELLS)[number];

/** Guess the user's shell from the environment (SHELL on POSIX, PowerShell on Windows). */
export function detectShell(env: NodeJS.ProcessEnv): Shell {
  if (process.platform === 'win32' || env.PSModulePath?.includes('PowerShell')) return 'pwsh';
  const name = path.basename(env.SHELL ?? '');
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : 'sh';
}

/** The lines to add to the shell's start-up file. */
export function initSnippet(shell: Shell, shimsDir: string): string {
  const q = JSON.stringify(shimsDir);
  switch (shell) {
    case 'fish':
      return `# launcher: put the compiler shims first on PATH\nfish_add_path --prepend --move ${q}\n`;
    case 'pwsh':
      return `# launcher: put the compiler shims first on PATH\n$env:PATH = ${q} + [IO.Path]::PathSeparator + $env:PATH\n`;
    default:
      return (
        '# launcher: put the compiler shims first on PATH\n' +
        `case ":$PATH:" in *:${q}:*) ;; *) export PATH=${q}:"$PATH" ;; esac\n`
      );
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
