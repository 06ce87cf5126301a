// .dockerignore as Docker reads it (moby/patternmatcher): one pattern a line, `#` comments, `!` re-includes,
// `*` and `?` within one path segment, `**` across segments; a path is excluded when the last pattern
// that matches it or one of its parent directories is not a `!` pattern.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

interface Pattern {
  negated: boolean;
  source: string;
  regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in .dockerignore pattern ${pattern}`);
      out += pattern.slice(i, end + 1).replace('[!', '[^');
      i = end;
    } else if (c === '\\') {
      out += `\\${pattern[i + 1] ?? ''}`;
      i++;
    } else out += c.replace(/[.+^${}()|]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export class DockerIgnore {
  private readonly patterns: Pattern[];

  constructor(text: string) {
    this.patterns = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((line) => {
        const negated = line.startsWith('!');
        const raw = negated ? line.slice(1).trim() : line;
        const source = posix.normalize(raw).replace(/^\/+/, '').replace(/\/+$/, '');
        return { negated, source, regex: toRegex(source) };
      });
  }

  static load(contextDir: string): DockerIgnore {
    const file = join(contextDir, '.dockerignore');
    return new DockerIgnore(existsSync(file) ? readFileSync(file, 'utf8') : '');
  }

  /** Whether a path relative to the context (forward slashes) stays out of the build context. */
  excludes(path: string): boolean {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const p of this.patterns) if (prefixes.some((prefix) => p.regex.test(prefix))) excluded = !p.negated;
    return excluded;
  }

  /** Whether some `!` pattern could re-include a path under `dir` (then an excluded dir is still walked). */
  private mayReinclude(dir: string): boolean {
    return this.patterns.some(
      (p) => p.negated && (p.source.startsWith(`${dir}/`) || p.source.startsWith('*')),
    );
  }

  /** Every file of the build context, relative to it. */
  contextFiles(contextDir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string): void => {
      for (const entry of readdirSync(join(contextDir, rel), { withFileTypes: true })) {
        const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (this.excludes(path) && !this.mayReinclude(path)) continue;
          walk(path);
        } else if (!this.excludes(path)) out.push(path);
      }
    };
    walk('');
    return out.sort();
  }
}
