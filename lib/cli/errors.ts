// The CLI's exit codes (documented in `postern --help` and the README's "Automation") and the
// one error type every command throws: a message for stderr and the code to exit with.

export const EXIT = {
  ok: 0,
  /** The API refused the request (invalid input, too large, throttled) or failed, or could not be reached. */
  failed: 1,
  /** The command line is wrong: unknown command or option, a missing or malformed value. */
  usage: 2,
  /** Not logged in, or the credential was refused (401) or lacks the permission (403). */
  auth: 3,
  /** What the command names does not exist (404, or no namespace/account/policy by that name). */
  notFound: 4,
  /** A conflict (409: the name is taken) or a stale If-Match (412: changed meanwhile). */
  conflict: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  the API refused the request (invalid input, too large, throttled) or failed, or could not be reached
  2  usage error: unknown command or option, missing or malformed value
  3  not logged in, or the credential was refused (401) or may not do this (403)
  4  not found (404, or no namespace, account or policy by that name)
  5  conflict (409, the name is taken) or changed meanwhile (412, stale If-Match)`;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Further lines for stderr (field errors, a hint). */
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** An error answer from the API: the CliError with the HTTP status kept. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    details: string[] = [],
  ) {
    super(message, exitCodeForStatus(status), details);
  }
}

export const usageError = (message: string, details: string[] = []) => new CliError(message, EXIT.usage, details);

/** The exit code for an HTTP error status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  return EXIT.failed;
}

/**
 * Text from a server or a file, safe to print on a terminal: control characters (ANSI escapes
 * included) become U+FFFD, so a crafted description cannot rewrite the screen.
 */
export function printable(text: string, { keepNewlines = false } = {}): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const control = keepNewlines ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return text.replace(control, '\uFFFD');
}
