import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args';
import { CliError, EXIT } from './errors';
import { COMMANDS } from './run';

const parse = (...argv: string[]) => parseCommandLine(argv, COMMANDS);

function usageFailure(...argv: string[]): CliError {
  try {
    parse(...argv);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('command line parsing', () => {
  it('finds the command and its options, with defaults and short flags', () => {
    const r = parse('sa', 'create', '-n', 'Global/payments', '--user-id', 'ci-bot', '--expires', '30d');
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.command.path).toEqual(['sa', 'create']);
    expect(r.input.options).toMatchObject({
      namespace: 'Global/payments',
      'user-id': 'ci-bot',
      expires: '30d',
      output: 'token',
    });
    expect(r.input.args).toEqual([]);
  });

  it('takes positional arguments and repeated options', () => {
    const r = parse(
      'route',
      'create',
      '-n',
      'global',
      '--name',
      'api',
      '--from',
      'https://a.example.com',
      '--to',
      'http://a:1',
      '--to',
      'http://b:2',
    );
    if (r.kind !== 'run') throw new Error('not run');
    expect(r.input.options.to).toEqual(['http://a:1', 'http://b:2']);
    const revoke = parse('sa', 'revoke', 'ci-bot');
    if (revoke.kind !== 'run') throw new Error('not run');
    expect(revoke.input.args).toEqual(['ci-bot']);
  });

  it('reads - as the value of --api-key (stdin), and values after = that start with a dash', () => {
    const r = parse('login', '--url', 'https://p.example.com', '--api-key', '-');
    if (r.kind !== 'run') throw new Error('not run');
    expect(r.input.options['api-key']).toBe('-');
    const d = parse('sa', 'create', '-n', 'g', '--user-id', 'x', '--description=-dash-first');
    if (d.kind !== 'run') throw new Error('not run');
    expect(d.input.options.description).toBe('-dash-first');
  });

  it('answers --help on every command, group and at the top with exit 0, naming the options', () => {
    for (const c of COMMANDS) {
      const r = parse(...c.path, '--help');
      expect(r).toMatchObject({ kind: 'help', exitCode: 0 });
      if (r.kind === 'help') {
        expect(r.text).toContain(`postern ${c.path.join(' ')}`);
        for (const name of Object.keys(c.options)) expect(r.text).toContain(`--${name}`);
      }
    }
    for (const group of ['sa', 'route', 'policy', 'history', 'namespace', 'api-key'])
      expect(parse(group, '--help')).toMatchObject({ kind: 'help', exitCode: 0 });
    const top = parse('--help');
    expect(top).toMatchObject({ kind: 'help', exitCode: 0 });
    if (top.kind === 'help') expect(top.text).toContain('Exit codes:');
    // -h, `help <command>`, and --help even among other (even wrong) options.
    expect(parse('sa', 'list', '-h')).toMatchObject({ kind: 'help', exitCode: 0 });
    expect(parse('help', 'policy', 'apply')).toMatchObject({ kind: 'help', exitCode: 0 });
    expect(parse('sa', 'create', '--bogus', '--help')).toMatchObject({ kind: 'help', exitCode: 0 });
  });

  it('shows help with the usage exit code when the command is incomplete', () => {
    expect(parse()).toMatchObject({ kind: 'help', exitCode: 2 });
    expect(parse('sa')).toMatchObject({ kind: 'help', exitCode: 2 });
  });

  it('refuses unknown commands, unknown options, missing values and bad choices as usage errors', () => {
    const cases: [string[], RegExp][] = [
      [['deploy'], /unknown command "deploy"/],
      [['sa', 'delete', 'x'], /unknown command "sa delete"/],
      [['sa', 'list', '--colour'], /Unknown option '--colour'/],
      [['sa', 'create', '--user-id', 'x'], /--namespace is required/],
      [['sa', 'create', '-n', '--user-id', 'x'], /ambiguous/],
      [['sa', 'list', '--output', 'yaml'], /--output yaml: use one of table, json/],
      [['sa', 'revoke'], /missing <account>/],
      [['sa', 'revoke', 'a', 'b'], /unexpected argument "b"/],
      [['history', 'export'], /--since is required/],
      [['login', '--url', 'https://x'], /--api-key is required/],
    ];
    for (const [argv, message] of cases) {
      const err = usageFailure(...argv);
      expect(err.exitCode).toBe(EXIT.usage);
      expect(err.message).toMatch(message);
    }
  });

  it('treats everything after -- as positional, --help included', () => {
    const r = parse('sa', 'revoke', '--', '--help');
    if (r.kind !== 'run') throw new Error('not run');
    expect(r.input.args).toEqual(['--help']);
  });
});
