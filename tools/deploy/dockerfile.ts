// Reading the Dockerfile, and running its build outside Docker (no engine here): each stage gets a
// directory standing for its filesystem, COPY copies the build context (filtered by .dockerignore) or
// another stage's files, and RUN lines run with `sh -c` in the stage's WORKDIR with its ARG and ENV.
// RUN lines before a stage's first WORKDIR change the base image's system files (e.g. removing npm) and
// are skipped and reported; RUN lines after it must use relative paths, which is checked.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { DockerIgnore } from './dockerignore.js';

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  args: string;
  /** --name=value options (COPY --from, RUN --mount ...). */
  flags: Record<string, string>;
  /** Line number of the instruction in the Dockerfile. */
  line: number;
}

export interface Stage {
  name: string;
  /** Image or earlier stage it starts from (after ARG substitution). */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

const FLAG = /^--([a-z-]+)(?:=(\S*))?\s+/;

/** Replaces $VAR and ${VAR} (and ${VAR:-default}) from `vars`. */
export function substitute(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a: string, dflt: string, b: string) => {
      const value = vars[a ?? b];
      return value !== undefined && value !== '' ? value : (dflt ?? '');
    },
  );
}

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split('\n');
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i + 1;
    let body = first.trimEnd();
    let continued = body.endsWith('\\');
    while (continued && i + 1 < lines.length) {
      body = body.slice(0, -1);
      i++;
      const next = lines[i]!;
      // Comment lines inside a continued instruction are dropped; the instruction goes on.
      if (/^\s*#/.test(next)) {
        body += '\\';
        continue;
      }
      body = `${body.trimEnd()} ${next.trim()}`;
      continued = body.endsWith('\\');
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(body);
    if (!m) throw new Error(`Dockerfile line ${start}: cannot parse "${first}"`);
    let args = m[2]!.trim();
    const flags: Record<string, string> = {};
    for (let f = FLAG.exec(args); f; f = FLAG.exec(args)) {
      flags[f[1]!] = f[2] ?? 'true';
      args = args.slice(f[0].length);
    }
    instructions.push({ keyword: m[1]!.toUpperCase(), args, flags, line: start });
  }
  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile line ${ins.line}: FROM ${ins.args}`);
      stages.push({
        name: m[2] ?? String(stages.length),
        from: substitute(m[1]!, globalArgs),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before FROM`);
      const [name, value] = splitAssignment(ins.args);
      globalArgs[name] = value;
    } else stages[stages.length - 1]!.instructions.push(ins);
  }
  return { globalArgs, stages };
}

function splitAssignment(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text.trim(), undefined] : [text.slice(0, eq).trim(), unquote(text.slice(eq + 1).trim())];
}

function unquote(v: string): string {
  return /^".*"$|^'.*'$/.test(v) ? v.slice(1, -1) : v;
}

/** `ENV A=1 B="two"` (or the legacy `ENV A 1`) as pairs. */
export function envPairs(args: string): Array<[string, string]> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const m = /^(\S+)\s+(.*)$/.exec(args);
    return m ? [[m[1]!, m[2]!]] : [];
  }
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)].map((m) => [
    m[1]!,
    unquote(m[2]!),
  ]);
}

/** The exec-form (JSON array) or shell-form command of CMD/ENTRYPOINT. */
export function commandOf(args: string): string[] {
  return args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

// ---- running it ------------------------------------------------------------------------------------------

/** A stage's filesystem and settings after its instructions ran. */
export interface StageState {
  stage: string;
  /** The directory standing for the stage's `/`. */
  root: string;
  workdir?: string;
  env: Record<string, string>;
  args: Record<string, string | undefined>;
  user?: string;
  cmd?: string[];
  /** RUN lines skipped because they touch the base image's system files. */
  skipped: string[];
  /** Index of the next instruction to run. */
  next: number;
}

export interface EmulatorOptions {
  dockerfile: Dockerfile;
  /** The build context (the repository). */
  context: string;
  /** Where the stage directories go. */
  workDir: string;
  buildArgs: Record<string, string>;
  /** Environment of every RUN besides the stage's ARG and ENV (PATH, HOME for npm's cache ...). */
  runEnv: Record<string, string>;
  log?: (line: string) => void;
  /** States of earlier stages, for COPY --from. */
  stages: Map<string, StageState>;
}

function stageOf(dockerfile: Dockerfile, name: string): Stage {
  const stage = dockerfile.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
  return stage;
}

/**
 * A fresh state for a stage: empty for an image, a copy of the parent stage otherwise (the parent is run
 * first when it has not been).
 */
export async function startStage(
  options: EmulatorOptions,
  name: string,
  dirName = name,
): Promise<StageState> {
  const stage = stageOf(options.dockerfile, name);
  if (!options.stages.has(stage.from) && options.dockerfile.stages.some((s) => s.name === stage.from))
    options.stages.set(stage.from, await runStage(options, await startStage(options, stage.from)));
  const root = join(options.workDir, dirName);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const parent = options.stages.get(stage.from);
  if (parent) {
    await copyTreeFast(parent.root, root);
    return { ...parent, env: { ...parent.env }, stage: name, root, skipped: [], next: 0, args: {} };
  }
  return { stage: name, root, env: {}, args: {}, skipped: [], next: 0 };
}

/** Copies a tree keeping symbolic links as they are; hard links where the filesystem allows (fast). */
async function copyTreeFast(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  const code = await runProcess('cp', ['-al', `${from}/.`, to], {}, dirname(to));
  if (code.status !== 0) copyTree(from, to);
}

function copyTree(from: string, to: string): void {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, force: true });
}

interface ProcessResult {
  status: number | null;
  output: string;
}

async function runProcess(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ProcessResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', (e) => resolvePromise({ status: null, output: `${output}${e.message}` }));
    child.once('close', (status) => resolvePromise({ status, output }));
  });
}

const ABSOLUTE_PATH = /(?:^|[\s'"=(])\/(?!dev\/null)[A-Za-z0-9_.-]/;

/** Container path -> host path inside the stage directory. */
function hostPath(state: StageState, path: string): string {
  const absolute = path.startsWith('/') ? path : posix.join(state.workdir ?? '/', path);
  return join(state.root, absolute);
}

/**
 * Runs a stage's instructions from `state.next` up to (not including) the first one for which
 * `stopBefore` is true, or to the end.
 */
export async function runStage(
  options: EmulatorOptions,
  state: StageState,
  stopBefore?: (ins: Instruction) => boolean,
): Promise<StageState> {
  const stage = stageOf(options.dockerfile, state.stage);
  for (; state.next < stage.instructions.length; state.next++) {
    const ins = stage.instructions[state.next]!;
    if (stopBefore?.(ins)) break;
    const vars = { ...options.dockerfile.globalArgs, ...state.args, ...state.env };
    switch (ins.keyword) {
      case 'ARG': {
        const [name, dflt] = splitAssignment(ins.args);
        state.args[name] = options.buildArgs[name] ?? dflt ?? options.dockerfile.globalArgs[name];
        break;
      }
      case 'ENV':
        for (const [k, v] of envPairs(ins.args)) state.env[k] = substitute(v, vars);
        break;
      case 'WORKDIR': {
        const dir = substitute(ins.args, vars);
        state.workdir = dir.startsWith('/') ? dir : posix.join(state.workdir ?? '/', dir);
        mkdirSync(hostPath(state, '.'), { recursive: true });
        break;
      }
      case 'COPY':
        await copyInstruction(options, state, ins, vars);
        break;
      case 'RUN':
        await runInstruction(options, state, ins);
        break;
      case 'USER':
        state.user = substitute(ins.args, vars);
        break;
      case 'CMD':
        state.cmd = commandOf(ins.args);
        break;
      case 'LABEL':
      case 'EXPOSE':
      case 'HEALTHCHECK':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(
          `Dockerfile line ${ins.line}: ${ins.keyword} is not supported by the test's emulator`,
        );
    }
  }
  return state;
}

async function copyInstruction(
  options: EmulatorOptions,
  state: StageState,
  ins: Instruction,
  vars: Record<string, string | undefined>,
): Promise<void> {
  const parts = substitute(ins.args, vars).split(/\s+/);
  const dest = parts.pop()!;
  const target = hostPath(state, dest);
  for (const src of parts) {
    if (/[*?[]/.test(src))
      throw new Error(`Dockerfile line ${ins.line}: COPY with wildcards is not emulated`);
    if (ins.flags.from) {
      const from = options.stages.get(ins.flags.from);
      if (!from)
        throw new Error(`Dockerfile line ${ins.line}: COPY --from=${ins.flags.from} before that stage ran`);
      const source = hostPath(from, src);
      if (!existsSync(source))
        throw new Error(`Dockerfile line ${ins.line}: ${src} does not exist in ${ins.flags.from}`);
      if (statSync(source).isDirectory()) await copyTreeFast(source, target);
      else {
        mkdirSync(dirname(target), { recursive: true });
        cpSync(source, dest.endsWith('/') ? join(target, posix.basename(src)) : target);
      }
      continue;
    }
    const ignore = DockerIgnore.load(options.context);
    const prefix = posix
      .normalize(src)
      .replace(/^\.\/?/, '')
      .replace(/\/$/, '');
    const files = ignore
      .contextFiles(options.context)
      .filter((f) => prefix === '' || f === prefix || f.startsWith(`${prefix}/`));
    if (files.length === 0)
      throw new Error(`Dockerfile line ${ins.line}: ${src} is not in the build context`);
    for (const file of files) {
      const rel =
        prefix === '' ? file : file === prefix ? posix.basename(file) : file.slice(prefix.length + 1);
      const out = join(target, rel);
      mkdirSync(dirname(out), { recursive: true });
      cpSync(join(options.context, file), out, { verbatimSymlinks: true });
    }
  }
}

async function runInstruction(options: EmulatorOptions, state: StageState, ins: Instruction): Promise<void> {
  if (state.workdir === undefined) {
    state.skipped.push(ins.args);
    options.log?.(`[${state.stage}] skipped (base image system files): RUN ${ins.args}`);
    return;
  }
  if (ABSOLUTE_PATH.test(ins.args))
    throw new Error(
      `Dockerfile line ${ins.line}: a RUN after WORKDIR must use relative paths (the test runs it): ${ins.args}`,
    );
  const env: Record<string, string> = { ...options.runEnv };
  for (const [k, v] of Object.entries({ ...state.args, ...state.env })) if (v !== undefined) env[k] = v;
  const started = Date.now();
  const result = await runProcess('sh', ['-c', ins.args], env, hostPath(state, '.'));
  options.log?.(`[${state.stage}] RUN ${ins.args} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  if (result.status !== 0)
    throw new Error(
      `Dockerfile line ${ins.line}: RUN ${ins.args} exited ${result.status}\n${result.output.slice(-4000)}`,
    );
}

export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}
