#!/usr/bin/env node
// mpctl's entry point: run the command, flush stdout, exit with its code (keep-alive sockets must not
// hold the process open).
import { runCli } from './cli/app.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  tty: process.stderr.isTTY,
});
process.stdout.write('', () => process.exit(code));
