// Records the app processes `npm start` runs, so that the next start can stop apps a SIGKILLed
// launcher left holding their ports, and refuse to start twice.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './infra-common.js';
import { commandLine, isAlive, terminate } from './processes.js';

export const RUN_FILE = join(REPO_ROOT, '.local', 'run', 'start.json');

export interface RunRecord {
  launcherPid: number;
  apps: { name: string; pid: number; main: string }[];
}

export function readRunRecord(file = RUN_FILE): RunRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunRecord>;
    if (typeof value.launcherPid === 'number' && Array.isArray(value.apps)) return value as RunRecord;
  } catch {
    // none
  }
  return undefined;
}

export function writeRunRecord(record: RunRecord, file = RUN_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record, null, 2));
}

export function clearRunRecord(file = RUN_FILE): void {
  const record = readRunRecord(file);
  if (!record || record.launcherPid === process.pid) rmSync(file, { force: true });
}

/**
 * Returns the pid of another live launcher, or stops the apps a dead one left behind (only
 * processes whose command line is still that app's main.js) and returns undefined.
 */
export async function reapOrphans(log: (line: string) => void, file = RUN_FILE): Promise<number | undefined> {
  const record = readRunRecord(file);
  if (!record || record.launcherPid === process.pid) return undefined;
  if (isAlive(record.launcherPid) && commandLine(record.launcherPid) !== '') {
    const stillRunning = record.apps.some((a) => isAlive(a.pid) && commandLine(a.pid).includes(a.main));
    if (stillRunning) return record.launcherPid;
  }
  await Promise.all(
    record.apps
      .filter((app) => isAlive(app.pid) && commandLine(app.pid).includes(app.main))
      .map(async (app) => {
        log(`stopping ${app.name} (pid ${app.pid}) left running by an earlier npm start`);
        await terminate(app.pid, { timeoutMs: 10_000 });
      }),
  );
  rmSync(file, { force: true });
  return undefined;
}
