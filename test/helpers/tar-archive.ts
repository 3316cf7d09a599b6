// Tar archives built in memory, byte by byte, so tests can make any entry a real tool would
// refuse to create: absolute paths, `..`, links outward, devices, fifos.
import { gzipSync } from 'node:zlib';

/** One entry of an archive; paths and link targets are written exactly as given. */
export type TarEntry =
  | { type?: 'file'; path: string; content?: string | Buffer; mode?: number }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'hardlink'; path: string; target: string }
  | { type: 'chardev' | 'blockdev'; path: string; major?: number; minor?: number }
  | { type: 'fifo'; path: string };

const TYPEFLAG = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  chardev: '3',
  blockdev: '4',
  dir: '5',
  fifo: '6',
};
const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  type: string;
  linkname?: string;
  major?: number;
  minor?: number;
}): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(fields.name, 0, 100, 'utf8');
  h.write(octal(fields.mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(fields.size, 12), 124, 'ascii');
  h.write(octal(1_700_000_000, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(fields.type, 156, 'ascii');
  h.write(fields.linkname ?? '', 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'ascii');
  h.write(octal(fields.major ?? 0, 8), 329, 'ascii');
  h.write(octal(fields.minor ?? 0, 8), 337, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest)];
}

// Names or targets over 100 bytes go into a PAX extended header before the entry.
function paxRecords(entry: TarEntry): Buffer[] {
  const records: string[] = [];
  const add = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length++;
    records.push(`${length}${body}`);
  };
  if (Buffer.byteLength(entry.path) > 100) add('path', entry.path);
  if ('target' in entry && Buffer.byteLength(entry.target) > 100) add('linkpath', entry.target);
  if (records.length === 0) return [];
  const data = Buffer.from(records.join(''));
  return [
    header({ name: 'PaxHeader', mode: 0o644, size: data.length, type: 'x' }),
    ...padded(data),
  ];
}

/** A plain (uncompressed) tar archive of `entries`, in order. */
export function tarBuffer(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content =
      type === 'file'
        ? Buffer.from((entry as { content?: string | Buffer }).content ?? '')
        : Buffer.alloc(0);
    const mode =
      'mode' in entry && entry.mode !== undefined ? entry.mode : type === 'dir' ? 0o755 : 0o644;
    blocks.push(...paxRecords(entry));
    blocks.push(
      header({
        name: entry.path.slice(0, 100),
        mode,
        size: content.length,
        type: TYPEFLAG[type],
        linkname: 'target' in entry ? entry.target.slice(0, 100) : undefined,
        major: 'major' in entry ? entry.major : undefined,
        minor: 'minor' in entry ? entry.minor : undefined,
      }),
    );
    if (content.length > 0) blocks.push(...padded(content));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

/** The same archive, gzip-compressed (`.tar.gz`). */
export function tarGz(entries: readonly TarEntry[]): Buffer {
  return gzipSync(tarBuffer(entries));
}

/** The entries of a normal install: a top directory, then each file under it (for `strip: 1`). */
export function installTree(
  top: string,
  files: Record<string, string | Buffer | { content: string | Buffer; mode: number }>,
): TarEntry[] {
  const entries: TarEntry[] = [{ type: 'dir', path: `${top}/` }];
  const dirs = new Set<string>();
  for (const [rel, spec] of Object.entries(files)) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        entries.push({ type: 'dir', path: `${top}/${dir}/` });
      }
    }
    const { content, mode } =
      typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec, mode: 0o644 } : spec;
    entries.push({ path: `${top}/${rel}`, content, mode });
  }
  return entries;
}
