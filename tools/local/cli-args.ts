// Argument parsing for the local launchers (Node 20's util.parseArgs has no --no-x negation).
export interface StartArgs {
  build: boolean;
  only?: string[];
  readyTimeoutMs: number;
  help: boolean;
}

export const START_USAGE = `Usage: npm start [-- options]
Starts PostgreSQL and NATS (or uses DATABASE_URL / NATS_URL / the local servers), builds, migrates
and runs every app with prefixed logs, until Ctrl-C.

Options:
  --no-build               skip "nx run-many -t build" (use the existing dist/)
  --only=a,b               run only these apps (e.g. --only=tenant-registry,policy-engine)
  --ready-timeout=<secs>   how long to wait for every /readyz (default 90)
  -h, --help               this text

Environment: DATABASE_URL, NATS_URL, LOG_LEVEL, MP_NATS_NAMESPACE, MP_LOG_FORMAT=json (raw logs),
NO_COLOR / FORCE_COLOR.`;

export const MIGRATE_USAGE = `Usage: npm run migrate [-- options]
Finds or starts PostgreSQL and NATS, builds, and runs every app's migrations against the plane database.

Options:
  --no-build      skip the build
  --only=a,b      migrate only these apps
  -h, --help      this text`;

export function parseStartArgs(argv: readonly string[]): StartArgs {
  const args: StartArgs = { build: true, readyTimeoutMs: 90_000, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--no-build':
        args.build = false;
        break;
      case '--only':
        args.only = value()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        break;
      case '--ready-timeout': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0)
          throw new Error('--ready-timeout takes a number of seconds');
        args.readyTimeoutMs = seconds * 1000;
        break;
      }
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return args;
}
