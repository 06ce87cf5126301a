// One-line rendering of the apps' pino JSON records for the terminal. Anything that is not a
// pino-looking record passes through unchanged, so plain lines (such as a bootstrap key printed
// with console.log) stay exactly as the app wrote them.
import { type Colour, paint } from './colour.js';

export interface LogFormatOptions {
  colour: boolean;
  /** false: print records raw (MP_LOG_FORMAT=json). */
  pretty: boolean;
}

const LEVELS: Record<number, [string, Colour]> = {
  10: ['TRACE', 'grey'],
  20: ['DEBUG', 'grey'],
  30: ['INFO', 'green'],
  40: ['WARN', 'yellow'],
  50: ['ERROR', 'red'],
  60: ['FATAL', 'red'],
};

const LEVEL_NAMES: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

// Fields that are noise on a developer's terminal (or shown elsewhere on the line).
// `service` repeats the [app] tag.
const HIDDEN = new Set([
  'service',
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'message',
  'v',
  'context',
  'err',
  'error',
]);

const MAX_VALUE_CHARS = 300;

export function formatLogLine(line: string, options: LogFormatOptions): string {
  if (!options.pretty) return line;
  const record = parseRecord(line);
  if (!record) return line;

  const levelNumber = typeof record.level === 'string' ? LEVEL_NAMES[record.level] : record.level;
  const [levelName, levelColour] = LEVELS[levelNumber ?? 30] ?? [String(record.level), 'grey' as const];
  const parts: string[] = [];
  const time = formatTime(record.time);
  if (time) parts.push(paint(options.colour, 'grey', time));
  parts.push(paint(options.colour, levelColour, levelName.padEnd(5)));
  if (typeof record.context === 'string' && record.context !== '')
    parts.push(paint(options.colour, 'grey', `[${record.context}]`));
  const msg = record.msg ?? record.message;
  if (msg !== undefined && msg !== '') parts.push(typeof msg === 'string' ? msg : stringify(msg));

  const err = record.err ?? record.error;
  if (err !== undefined) parts.push(paint(options.colour, 'red', `err=${describeError(err)}`));

  const extras = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${renderValue(value)}`);
  if (extras.length > 0) parts.push(paint(options.colour, 'grey', extras.join(' ')));
  return parts.join(' ');
}

interface PinoRecord extends Record<string, unknown> {
  level: number | string;
  time?: unknown;
  msg?: unknown;
  message?: unknown;
  context?: unknown;
  err?: unknown;
  error?: unknown;
}

function parseRecord(line: string): PinoRecord | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const level = record.level;
  if (typeof level !== 'number' && !(typeof level === 'string' && level in LEVEL_NAMES)) return undefined;
  if (!('msg' in record) && !('message' in record)) return undefined;
  return record as PinoRecord;
}

function formatTime(time: unknown): string | undefined {
  let date: Date | undefined;
  if (typeof time === 'number') date = new Date(time);
  else if (typeof time === 'string') date = new Date(time);
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const pad = (n: number, width = 2): string => n.toString().padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function describeError(err: unknown): string {
  if (typeof err === 'string') return err;
  if (typeof err !== 'object' || err === null) return stringify(err);
  const e = err as { type?: unknown; name?: unknown; message?: unknown; stack?: unknown };
  const type = typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : stringify(err);
  // Keep one line per record: the top stack frame is usually enough to find the cause.
  const frame = typeof e.stack === 'string' ? /\n\s*at (.+)/.exec(e.stack)?.[1] : undefined;
  return `${type}: ${message}${frame ? ` (at ${frame})` : ''}`;
}

function renderValue(value: unknown): string {
  // Strings are never truncated: a secret printed once (a bootstrap key) must stay copyable.
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  const text = stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
