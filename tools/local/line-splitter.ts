// Turns a child's output chunks into whole lines. Chunks split lines (and UTF-8 characters)
// anywhere, so the unfinished tail is held until the next chunk or the end of the stream.
import { StringDecoder } from 'node:string_decoder';
import { type Readable } from 'node:stream';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Returns the lines completed by this chunk, without their line endings. */
  push(chunk: Buffer | string): string[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map(stripCr);
  }

  /** Returns the unfinished last line, if any (call at end of stream). */
  flush(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? [] : [stripCr(rest)];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Calls onLine for every line of the stream, including an unterminated last one. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  const splitter = new LineSplitter();
  stream.on('data', (chunk: Buffer | string) => {
    for (const line of splitter.push(chunk)) onLine(line);
  });
  stream.on('end', () => {
    for (const line of splitter.flush()) onLine(line);
  });
}

/** A bounded buffer of the most recent lines, to show when something fails. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 30) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  get(): readonly string[] {
    return this.lines;
  }
}
