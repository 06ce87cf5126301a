// Errors the CLI prints as they are: what went wrong and what to do next. Exit codes: 1 for a failed
// operation, 2 for a usage mistake, 3 for missing credentials.

export class CliError extends Error {
  constructor(
    message: string,
    /** What to do about it, printed under the message. */
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint, 2);
    this.name = 'UsageError';
  }
}
