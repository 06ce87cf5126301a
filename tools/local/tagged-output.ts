// Interleaves the apps' output on one terminal: every line gets a coloured, padded [app] tag and
// pino records are rendered on one line each (MP_LOG_FORMAT=json keeps them raw).
import { type ChildProcess } from 'node:child_process';
import { paint, TAG_COLOURS } from './colour.js';
import { forEachLine, RecentLines } from './line-splitter.js';
import { formatLogLine, type LogFormatOptions } from './log-format.js';

export interface TaggedOutputOptions extends LogFormatOptions {
  write?: (text: string) => void;
  /** Lines kept per app for failure reports. */
  keep?: number;
}

/** `[name]` padded to the widest name so the messages line up. */
export function makeTag(name: string, width: number, colour: boolean, index: number): string {
  const text = `[${name}]`.padEnd(width + 2);
  return paint(colour, TAG_COLOURS[index % TAG_COLOURS.length] ?? 'cyan', text);
}

const NOTICE = /Platform admin API key/;

export class TaggedOutput {
  private readonly width: number;
  private readonly recent = new Map<string, RecentLines>();
  /** Lines worth repeating under the summary (e.g. the platform-admin key printed on first start). */
  readonly notices: string[] = [];
  private readonly write: (text: string) => void;

  constructor(
    private readonly names: readonly string[],
    private readonly options: TaggedOutputOptions,
  ) {
    this.width = Math.max(0, ...names.map((n) => n.length));
    this.write = options.write ?? ((text) => void process.stdout.write(text));
  }

  tag(name: string): string {
    return makeTag(name, this.width, this.options.colour, Math.max(0, this.names.indexOf(name)));
  }

  /** Writes one line under the app's tag, formatted, and remembers it. */
  line(name: string, raw: string): void {
    const text = formatLogLine(raw, this.options);
    this.recentFor(name).add(text);
    if (NOTICE.test(raw)) this.notices.push(`${name}: ${raw.trim()}`);
    this.write(`${this.tag(name)} ${text}\n`);
  }

  /** Pipes the child's stdout and stderr through line() under `name`. */
  attach(name: string, child: ChildProcess): void {
    if (child.stdout) forEachLine(child.stdout, (l) => this.line(name, l));
    if (child.stderr) forEachLine(child.stderr, (l) => this.line(name, l));
  }

  lastLines(name: string, count = 15): readonly string[] {
    return this.recentFor(name).get().slice(-count);
  }

  private recentFor(name: string): RecentLines {
    let r = this.recent.get(name);
    if (!r) {
      r = new RecentLines(this.options.keep ?? 40);
      this.recent.set(name, r);
    }
    return r;
  }
}
