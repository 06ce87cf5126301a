// The steps of `npm test`, in order (see test.ts).
export interface Step {
  name: string;
  bin: string;
  args: string[];
  /** Only for the printed command line; the env is set for every step. */
  shownEnv?: Record<string, string>;
}

export function testSteps(extra: readonly string[]): Step[] {
  const nxEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  return [
    { name: 'format', bin: 'prettier', args: ['--check', '.'] },
    {
      name: 'lint+typecheck',
      bin: 'nx',
      args: ['run-many', '-t', 'lint', 'typecheck', '--output-style=static', ...extra],
      shownEnv: nxEnv,
    },
    { name: 'contracts', bin: 'tsx', args: ['tools/contracts/check-fresh.ts'] },
    // The production bundles: the smoke test in tools/local runs them with plain Node.
    {
      name: 'build',
      bin: 'nx',
      args: ['run-many', '-t', 'build', '--output-style=static'],
      shownEnv: nxEnv,
    },
    {
      name: 'test',
      bin: 'nx',
      args: ['run-many', '-t', 'test', '--output-style=static', '--parallel=2', ...extra],
      shownEnv: nxEnv,
    },
  ];
}
