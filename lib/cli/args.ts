// The command line: a tree of commands (`postern sa create`), each with its options, parsed by
// node:util parseArgs (strict: an unknown option is a usage error), and the help texts.
import { parseArgs } from 'node:util';
import { EXIT_CODES_HELP, usageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the help, e.g. `<path|id>`. */
  value?: string;
  description: string;
  required?: boolean;
  choices?: readonly string[];
  default?: string;
}

export interface ArgSpec {
  name: string;
  description: string;
  required?: boolean;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  options: OptionValues;
  args: string[];
}

export interface CommandSpec<Ctx = unknown> {
  /** The words that name it: ['sa', 'create']. */
  path: readonly string[];
  summary: string;
  /** Usage line after `postern <path>`; generated from args and required options when absent. */
  usage?: string;
  description?: string;
  args?: readonly ArgSpec[];
  options: Record<string, OptionSpec>;
  examples?: readonly string[];
  run: (ctx: Ctx, input: Parsed) => Promise<void>;
}

export type ParseResult<Ctx> =
  | { kind: 'help'; text: string; exitCode: 0 | 2 }
  | { kind: 'run'; command: CommandSpec<Ctx>; input: Parsed };

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help.' };

/** Group descriptions for `postern <group> --help`. */
export const GROUPS: Record<string, string> = {
  sa: 'Service accounts: create (prints the token), list, revoke, disable, enable, rotate.',
  route: 'Routes: create, list, delete.',
  policy: 'Policies: apply a file (creates, or updates when different), list.',
  history: 'The Change History: export.',
  namespace: 'Namespaces: list (with the paths --namespace accepts).',
  'api-key': 'Your personal API keys: create (prints the key), list, revoke.',
};

const isHelp = (a: string) => a === '--help' || a === '-h';

function optionLabel(name: string, o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}`;
  return o.type === 'string' ? `${flag} ${o.value ?? '<value>'}` : flag;
}

function usageLine<Ctx>(c: CommandSpec<Ctx>): string {
  if (c.usage) return `postern ${c.path.join(' ')} ${c.usage}`;
  const args = (c.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[<${a.name}>]`));
  const required = Object.entries(c.options)
    .filter(([, o]) => o.required)
    .map(([n, o]) => `--${n} ${o.value ?? '<value>'}`);
  return ['postern', ...c.path, ...args, ...required, '[options]'].join(' ');
}

function table(rows: [string, string][]): string {
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)));
  return rows
    .map(([l, d]) => (l.length > width ? `  ${l}\n  ${' '.repeat(width)}  ${d}` : `  ${l.padEnd(width)}  ${d}`))
    .join('\n');
}

export function commandHelp<Ctx>(c: CommandSpec<Ctx>): string {
  const parts = [`Usage: ${usageLine(c)}`, c.description ? `${c.summary}\n\n${c.description}` : c.summary];
  if (c.args?.length) parts.push(`Arguments:\n${table(c.args.map((a) => [`<${a.name}>`, a.description]))}`);
  const options = Object.entries({ ...c.options, help: HELP_OPTION }).map(([n, o]): [string, string] => {
    const extra = [o.choices ? `one of ${o.choices.join(', ')}` : '', o.default ? `default ${o.default}` : '']
      .filter(Boolean)
      .join('; ');
    return [optionLabel(n, o), `${o.description}${extra ? ` (${extra})` : ''}${o.required ? ' Required.' : ''}`];
  });
  parts.push(`Options:\n${table(options)}`);
  if (c.examples?.length) parts.push(`Examples:\n${c.examples.map((e) => `  ${e}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

export function groupHelp<Ctx>(group: string, commands: readonly CommandSpec<Ctx>[]): string {
  const inGroup = commands.filter((c) => c.path[0] === group && c.path.length > 1);
  return `Usage: postern ${group} <command> [options]\n\n${GROUPS[group] ?? ''}\n\nCommands:\n${table(
    inGroup.map((c) => [c.path.slice(1).join(' '), c.summary]),
  )}\n\nRun \`postern ${group} <command> --help\` for a command's options.\n`;
}

export function topHelp<Ctx>(commands: readonly CommandSpec<Ctx>[]): string {
  return `Usage: postern <command> [options]

The command line for Postern's REST API: service accounts, routes, policies and the Change History,
from a terminal or a CI job. It talks to the console over HTTPS with an API key (postern login, or
POSTERN_URL and POSTERN_API_KEY in the environment); results go to stdout, messages to stderr.

Commands:
${table(commands.map((c) => [c.path.join(' '), c.summary]))}

Run \`postern <command> --help\` for a command's options.

Environment:
  POSTERN_URL, POSTERN_API_KEY  the console URL and the credential (an API key or a service account's
                                token), instead of those stored by postern login
  XDG_CONFIG_HOME               where postern login stores them (default ~/.config): postern/config.json

${EXIT_CODES_HELP}
`;
}

/** Parses `argv` (after `postern`) against the command tree. Throws a usage CliError. */
export function parseCommandLine<Ctx>(
  argv: readonly string[],
  commands: readonly CommandSpec<Ctx>[],
): ParseResult<Ctx> {
  const end = argv.indexOf('--');
  const beforeEnd = end === -1 ? argv : argv.slice(0, end);
  const wantsHelp = beforeEnd.some(isHelp);
  const words = argv[0] === 'help' ? argv.slice(1) : argv;
  const helpAsked = wantsHelp || argv[0] === 'help';

  // The longest command path the leading words name.
  let command: CommandSpec<Ctx> | undefined;
  for (const c of commands)
    if (c.path.every((w, i) => words[i] === w) && (!command || c.path.length > command.path.length)) command = c;

  if (!command) {
    const first = words[0];
    if (first === undefined || isHelp(first))
      return { kind: 'help', text: topHelp(commands), exitCode: helpAsked ? 0 : 2 };
    if (first in GROUPS) {
      const next = words[1];
      if (next === undefined || isHelp(next) || helpAsked)
        return { kind: 'help', text: groupHelp(first, commands), exitCode: helpAsked ? 0 : 2 };
      throw usageError(`unknown command "${first} ${next}"`, [`Run \`postern ${first} --help\` for its commands.`]);
    }
    throw usageError(`unknown command "${first}"`, ['Run `postern --help` for the commands.']);
  }
  if (helpAsked) return { kind: 'help', text: commandHelp(command), exitCode: 0 };

  const hint = [`Run \`postern ${command.path.join(' ')} --help\` for its options.`];
  const specs = command.options;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: words.slice(command.path.length) as string[],
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries(specs).map(([n, o]) => [
          n,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
    });
  } catch (err) {
    const [first = 'invalid command line', ...more] = (err as Error).message.split('\n');
    throw usageError(first, [...more, ...hint]);
  }
  const options = { ...parsed.values } as OptionValues;
  for (const [name, o] of Object.entries(specs)) {
    const v = options[name];
    if (v === undefined && o.default !== undefined) options[name] = o.default;
    if (options[name] === undefined && o.required) throw usageError(`--${name} is required`, hint);
    const values = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    for (const one of values) {
      if (o.choices && !o.choices.includes(one))
        throw usageError(`--${name} ${one}: use one of ${o.choices.join(', ')}`, hint);
    }
  }
  const args = parsed.positionals;
  const specArgs = command.args ?? [];
  const required = specArgs.filter((a) => a.required).length;
  if (args.length < required) throw usageError(`missing <${specArgs[args.length]!.name}>`, hint);
  if (args.length > specArgs.length) throw usageError(`unexpected argument "${args[specArgs.length]}"`, hint);
  return { kind: 'run', command, input: { options, args } };
}

/** A string option's value (the last one given). */
export function stringOption(input: Parsed, name: string): string | undefined {
  const v = input.options[name];
  return Array.isArray(v) ? v.at(-1) : typeof v === 'string' ? v : undefined;
}

export const listOption = (input: Parsed, name: string): string[] => {
  const v = input.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};

export const flag = (input: Parsed, name: string) => input.options[name] === true;
