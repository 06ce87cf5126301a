// Tables for people, JSON for scripts, a progress line on a terminal.

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Right-align (numbers). */
  right?: boolean;
}

export interface Writer {
  write(text: string): void;
}

export function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map(cell).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string') return v.replace(/[\r\n]+/g, ' ');
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '-';
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], maxWidth = 60): string {
  const cells = rows.map((r) => columns.map((c) => clip(cell(c.value(r)), maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (columns[i]!.right ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

export function renderKeyValues(entries: ReadonlyArray<[string, unknown]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${cell(v)}`).join('\n');
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: Writer,
    private readonly stderr: Writer,
    private readonly tty: boolean,
  ) {}

  /** The raw value with --json, else what `human` renders. */
  result(value: unknown, human: () => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }

  table<T>(value: unknown, rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): void {
    this.result(value, () => (rows.length === 0 ? empty : renderTable(rows, columns)));
  }

  line(text: string): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** Diagnostics and notes: stderr, so --json stays parseable. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** A line that rewrites itself on a terminal; one line per call elsewhere (logs, CI). */
  progress(text: string, done = false): void {
    if (this.tty) this.stderr.write(`\r\x1b[2K${text}${done ? '\n' : ''}`);
    else this.stderr.write(`${text}\n`);
  }
}
