// Read(...) and Edit(...) path patterns, which follow the gitignore specification:
//   //abs/path/**   absolute path
//   ~/path          from the home directory
//   /path           from the project directory (where the settings file lives)
//   ./path, path    from the current directory (the project directory, for an agent)
//   name            (no slash) a file or directory of that name at any depth
// `*` matches within one path segment, `**` across segments, `?` one character, `[...]` a class; a
// pattern that matches a directory also matches everything below it.
//
// The policy engine does not always know an agent's project or home directory (a recorded tool call
// carries absolute paths only). When they are unknown, relative patterns match below ANY directory
// and `~` matches /root or any /home/<user>; for deny rules this errs on the side of denying.
import { posix } from 'node:path';

export interface PathContext {
  /** The agent's project (and current) directory, absolute. */
  projectDir?: string;
  /** The agent's home directory, absolute. */
  homeDir?: string;
}

const ANYWHERE = '(?:/.*)?';

/** A matcher of absolute, normalized paths for one pattern. */
export function compilePathPattern(
  pattern: string,
  ctx: PathContext = {},
): (absolutePath: string) => boolean {
  let p = pattern.trim();
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  let base: string;
  if (p.startsWith('//')) {
    base = '';
    p = p.slice(1);
  } else if (p === '~' || p.startsWith('~/')) {
    base = ctx.homeDir ? escape(trimSlash(ctx.homeDir)) : '(?:/root|/home/[^/]+)';
    p = p.slice(1);
  } else if (p.startsWith('/')) {
    base = ctx.projectDir ? escape(trimSlash(ctx.projectDir)) : ANYWHERE;
  } else {
    if (p.startsWith('./')) p = p.slice(1);
    else if (!p.includes('/'))
      p = `/**/${p}`; // a bare name matches at any depth
    else p = `/${p}`;
    base = ctx.projectDir ? escape(trimSlash(ctx.projectDir)) : ANYWHERE;
  }
  const re = new RegExp(`^${base}${globToRegex(p)}(?:/.*)?$`, 's');
  return (path) => re.test(path);
}

/** `path` made absolute (against the project directory when known) and normalized; `..` resolved. */
export function normalizeToolPath(path: string, ctx: PathContext = {}): string {
  let p = path.trim();
  if (p === '~' || p.startsWith('~/')) p = `${ctx.homeDir ?? '/root'}${p.slice(1)}`;
  if (!p.startsWith('/')) p = `${ctx.projectDir ?? ''}/${p}`;
  const normalized = posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashBefore = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        if (slashBefore && slashAfter) {
          // `/**/` : zero or more whole segments
          out = out.endsWith('/') ? `${out.slice(0, -1)}(?:/.*)?/` : `${out}(?:.*/)?`;
          i += 2;
        } else if (slashBefore && i + 2 === glob.length) {
          out = out.endsWith('/') ? `${out.slice(0, -1)}(?:/.*)?` : `${out}.*`;
          i += 1;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escape(glob[i + 1]!);
      i++;
    } else out += escape(c);
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function trimSlash(dir: string): string {
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}
