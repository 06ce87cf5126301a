// Bash commands as permission rules see them. A command line is split into the simple commands it
// runs: at `&&`, `||`, `;`, `|`, `|&`, `&` and newlines outside quotes, and also INSIDE command
// substitutions (`$(...)`, backticks, `<(...)`, `>(...)`) and subshells or groups (`( ... )`,
// `{ ...; }`), which run commands too. Claude Code's own splitter has missed some of these
// (claude-code #94314, #92542), which let `allowed && anything` through; here every simple command
// must be matched by an allow rule, and any one matching a deny rule denies the whole line.

/** The simple commands of a command line, trimmed, in order; `undefined` when it cannot be parsed. */
export function splitCommand(command: string): string[] | undefined {
  const out: string[] = [];
  return collect(command, out) ? out.filter((c) => c !== '') : undefined;
}

function collect(line: string, out: string[]): boolean {
  const segments = splitTopLevel(line, out);
  if (!segments) return false;
  for (const segment of segments) {
    const inner = groupBody(segment);
    if (inner !== undefined) {
      if (!collect(inner, out)) return false;
    } else out.push(segment);
  }
  return true;
}

/** `( cmds )` or `{ cmds; }` → `cmds`; anything else → undefined. */
function groupBody(segment: string): string | undefined {
  if (segment.startsWith('(') && segment.endsWith(')') && !segment.startsWith('(('))
    return segment.slice(1, -1);
  if (/^\{\s/.test(segment) && /(^|[;\s])\}$/.test(segment))
    return segment.slice(1, -1).replace(/;?\s*$/, '');
  return undefined;
}

/**
 * Splits at top-level operators, respecting quotes and escapes; the bodies of command substitutions
 * are collected into `out` as commands of their own (and stay in their segment's text as well).
 * Returns undefined on unbalanced quotes or parentheses.
 */
function splitTopLevel(line: string, out: string[]): string[] | undefined {
  const segments: string[] = [];
  let current = '';
  let i = 0;
  // ( ... ) subshells and { ...; } groups stay in one segment here; collect() splits their bodies.
  const groups: string[] = [];
  const push = (): void => {
    segments.push(current.trim());
    current = '';
  };
  while (i < line.length) {
    const c = line[i]!;
    const next = line[i + 1];
    if (c === '\\') {
      current += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      current += line.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const end = doubleQuoted(line, i, out);
      if (end === undefined) return undefined;
      current += line.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '`') {
      const end = closingBacktick(line, i);
      if (end === undefined) return undefined;
      if (!collect(line.slice(i + 1, end), out)) return undefined;
      current += line.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if ((c === '$' || c === '<' || c === '>') && next === '(') {
      if (c === '$' && line[i + 2] === '(') {
        // $(( arithmetic )): no command inside
        const end = matchingParen(line, i + 1);
        if (end === undefined) return undefined;
        current += line.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      const end = matchingParen(line, i + 1);
      if (end === undefined) return undefined;
      if (!collect(line.slice(i + 2, end), out)) return undefined;
      current += line.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '(') groups.push(')');
    else if (c === '{' && current.trim() === '' && /\s/.test(next ?? '')) groups.push('}');
    else if (c === ')' || (c === '}' && groups[groups.length - 1] === '}' && /(^|[;\s])$/.test(current))) {
      if (groups.pop() !== c) return undefined;
      current += c;
      i++;
      continue;
    }
    if (groups.length > 0) {
      current += c;
      i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      push();
      i++;
      continue;
    }
    if (c === '&' && next === '&') {
      push();
      i += 2;
      continue;
    }
    if (c === '|') {
      push();
      i += next === '|' || next === '&' ? 2 : 1;
      continue;
    }
    // `&` alone runs the left side in the background; `>&`, `<&`, `&>` are redirections.
    if (c === '&' && next !== '>' && line[i - 1] !== '>' && line[i - 1] !== '<') {
      push();
      i++;
      continue;
    }
    current += c;
    i++;
  }
  if (groups.length !== 0) return undefined;
  push();
  return segments;
}

function doubleQuoted(line: string, start: number, out: string[]): number | undefined {
  let i = start + 1;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '"') return i;
    if (c === '`') {
      const end = closingBacktick(line, i);
      if (end === undefined || !collect(line.slice(i + 1, end), out)) return undefined;
      i = end + 1;
      continue;
    }
    if (c === '$' && line[i + 1] === '(' && line[i + 2] !== '(') {
      const end = matchingParen(line, i + 1);
      if (end === undefined || !collect(line.slice(i + 2, end), out)) return undefined;
      i = end + 1;
      continue;
    }
    i++;
  }
  return undefined;
}

function closingBacktick(line: string, start: number): number | undefined {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '`') return i;
  }
  return undefined;
}

/** Index of the `)` closing the `(` at `open`, skipping quoted text; undefined when unbalanced. */
function matchingParen(line: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) return undefined;
      i = j;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return undefined;
}

/**
 * A Bash rule's pattern as a matcher of one simple command (Claude Code's wildcard semantics):
 * - no `*`: the exact command;
 * - `*` matches any sequence of characters, spaces included;
 * - a trailing ` *` (or the legacy `:*`) also matches the bare prefix: `ls *` matches `ls` and
 *   `ls -la` but not `lsof`, while `ls*` matches all three;
 * - a leading `* ` also matches the bare suffix: `* --version` matches `--version` and `node --version`.
 */
export function compileBashPattern(pattern: string): (command: string) => boolean {
  let p = pattern.trim();
  if (p === '*') return () => true;
  if (p.endsWith(':*')) p = `${p.slice(0, -2)} *`;
  if (!p.includes('*')) return (command) => command === p;
  let head = '';
  let tail = '';
  if (p.endsWith(' *')) {
    tail = '(?: .*)?';
    p = p.slice(0, -2).trimEnd();
  }
  if (p.startsWith('* ')) {
    head = '(?:.* )?';
    p = p.slice(2).trimStart();
  }
  const body = p
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${head}${body}${tail}$`, 's');
  return (command) => re.test(command);
}
