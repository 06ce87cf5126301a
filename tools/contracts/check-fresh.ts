// Fails when the committed generated contracts differ from a fresh generation of proto/.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { GEN_DIR, generate } from './generate.js';

const root = resolve(import.meta.dirname, '../..');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const scratch = mkdtempSync(join(tmpdir(), 'mp-contracts-'));
try {
  generate(scratch);
  const fresh = join(scratch, GEN_DIR);
  const committed = join(root, GEN_DIR);
  const freshFiles = listFiles(fresh);
  const committedFiles = listFiles(committed);
  const problems: string[] = [];
  for (const f of freshFiles) {
    if (!committedFiles.includes(f)) problems.push(`missing: ${GEN_DIR}/${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))))
      problems.push(`differs: ${GEN_DIR}/${f}`);
  }
  for (const f of committedFiles)
    if (!freshFiles.includes(f)) problems.push(`stale (not generated): ${GEN_DIR}/${f}`);
  if (problems.length > 0) {
    console.error(`Generated contracts are out of date with proto/:\n  ${problems.join('\n  ')}`);
    console.error('Run `npm run generate` and commit the result.');
    process.exit(1);
  }
  console.log(`contracts are fresh (${freshFiles.length} generated files match proto/)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
