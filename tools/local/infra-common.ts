// Small pieces shared by the PostgreSQL and NATS finders.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isAlive } from './processes.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export type Log = (line: string) => void;

export const defaultLog: Log = (line) => {
  process.stdout.write(`${line}\n`);
};

/** An error whose message is meant for the person at the terminal, printed without a stack. */
export class InfraError extends Error {
  override readonly name = 'InfraError';
}

/** Hides the password of a connection URL for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
  }
}

/** host:port of a URL, for short progress lines. */
export function hostPort(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port === '' ? defaultPort : u.port}`;
  } catch {
    return url;
  }
}

export function portOf(url: string, defaultPort: number): number {
  try {
    const port = new URL(url).port;
    return port === '' ? defaultPort : Number(port);
  } catch {
    return defaultPort;
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** A readable reason from whatever a client library threw (AggregateError has an empty message). */
export function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.message === '' && err.errors.length > 0)
    return errorText(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err.message !== '') return err.message;
    return code ?? err.name;
  }
  return String(err);
}

// Ownership of a server a launcher started, so that a later launcher can tell "another launcher
// is using it" (share, leave it running) from "its launcher was SIGKILLed" (take it over).
export interface Ownership {
  launcherPid: number;
  serverPid: number;
}

export function readOwnership(file: string): Ownership | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Ownership>;
    if (typeof value.launcherPid === 'number' && typeof value.serverPid === 'number')
      return { launcherPid: value.launcherPid, serverPid: value.serverPid };
  } catch {
    // missing or torn: no owner
  }
  return undefined;
}

export function writeOwnership(file: string, serverPid: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ launcherPid: process.pid, serverPid } satisfies Ownership));
}

export function clearOwnership(file: string): void {
  const owner = readOwnership(file);
  if (owner && owner.launcherPid !== process.pid && isAlive(owner.launcherPid)) return;
  rmSync(file, { force: true });
}

/** Another live launcher owns the server: share it and never stop it. */
export function ownedByLiveLauncher(owner: Ownership | undefined): boolean {
  return owner !== undefined && owner.launcherPid !== process.pid && isAlive(owner.launcherPid);
}

/** Last lines of a log file written since `fromByte`. */
export function tailFile(file: string, fromByte = 0, lines = 20): string[] {
  try {
    const text = readFileSync(file).subarray(fromByte).toString('utf8');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-lines);
  } catch {
    return [];
  }
}
