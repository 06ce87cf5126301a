// Collects what the runtime image needs of the workspace after the Nx build:
//   node deploy/docker/assemble.mjs <app> <out-dir>
// writes <out-dir>/apps/<app>/{package.json,dist} and, for every workspace library the app's built code
// imports (directly or through another library), <out-dir>/libs/<lib>/{package.json,dist}. Test
// harnesses and libraries the app does not import stay out of the image. Runs in the Dockerfile's build
// stage and in tools/deploy/image.spec.ts.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [app, outArg] = process.argv.slice(2);
if (!app || !outArg) {
  console.error('usage: node deploy/docker/assemble.mjs <app> <out-dir>');
  process.exit(2);
}
const root = process.cwd();
const out = resolve(root, outArg);

// `from '@auraison/x'`, `import '@auraison/x'`, `import('@auraison/x')`, with an optional subpath.
const WORKSPACE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](@auraison\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/g;

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Workspace libraries by package name. */
function libraries() {
  const byName = new Map();
  for (const dir of readdirSync(join(root, 'libs'))) {
    const pkg = join(root, 'libs', dir, 'package.json');
    if (existsSync(pkg)) byName.set(readJson(pkg).name, join('libs', dir));
  }
  return byName;
}

function jsFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...jsFiles(path));
    else if (/\.(m?js|cjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

function importsOf(dist) {
  const found = new Set();
  for (const file of jsFiles(dist)) {
    for (const m of readFileSync(file, 'utf8').matchAll(WORKSPACE_IMPORT)) found.add(m[1]);
  }
  return found;
}

function distOf(dir) {
  const dist = join(root, dir, 'dist');
  if (!existsSync(dist) || !statSync(dist).isDirectory()) {
    console.error(`${dir}/dist is missing: build it first (nx run <project>:build)`);
    process.exit(1);
  }
  return dist;
}

function copyProject(dir) {
  mkdirSync(join(out, dir), { recursive: true });
  cpSync(join(root, dir, 'package.json'), join(out, dir, 'package.json'));
  cpSync(join(root, dir, 'dist'), join(out, dir, 'dist'), { recursive: true });
}

const appDir = join('apps', app);
if (!existsSync(join(root, appDir, 'package.json'))) {
  console.error(`${appDir}/package.json not found`);
  process.exit(1);
}
const libs = libraries();
const needed = new Set();
const queue = [...importsOf(distOf(appDir))];
while (queue.length > 0) {
  const name = queue.shift();
  if (needed.has(name)) continue;
  const dir = libs.get(name);
  if (!dir) {
    console.error(`${app} imports ${name}, which is not a library under libs/`);
    process.exit(1);
  }
  needed.add(name);
  queue.push(...importsOf(distOf(dir)));
}

rmSync(out, { recursive: true, force: true });
copyProject(appDir);
for (const name of [...needed].sort()) copyProject(libs.get(name));
console.log(
  `${app}: apps/${app} and ${needed.size} libraries (${[...needed].sort().join(', ')}) in ${outArg}`,
);
