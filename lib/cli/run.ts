// `postern <command>`: parses the command line, runs the command, and turns every failure into
// a message on stderr and an exit code (lib/cli/errors.ts). stdout carries results only.
import { parseCommandLine, type CommandSpec } from './args';
import { apiKeyCommands } from './commands/api-keys';
import { historyCommands } from './commands/history';
import { policyCommands } from './commands/policies';
import { routeCommands } from './commands/routes';
import { serviceAccountCommands } from './commands/service-accounts';
import { sessionCommands } from './commands/session';
import { Context, type Io } from './context';
import { CliError, EXIT, printable, type ExitCode } from './errors';

export const COMMANDS: readonly CommandSpec<Context>[] = [
  ...sessionCommands,
  ...serviceAccountCommands,
  ...routeCommands,
  ...policyCommands,
  ...historyCommands,
  ...apiKeyCommands,
];

export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'help') {
      // Asked for, help is the result (stdout); shown because the command line was incomplete, it is the error.
      (parsed.exitCode === 0 ? io.stdout : io.stderr)(parsed.text);
      return parsed.exitCode;
    }
    await parsed.command.run(new Context(io), parsed.input);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`postern: ${err.message}\n${err.details.map((d) => `${d}\n`).join('')}`);
      return err.exitCode;
    }
    // A defect, not the user's doing: say so without a stack (which could hold a request's data).
    io.stderr(`postern: unexpected failure: ${printable(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT.failed;
  }
}
