// postern login / logout / namespace list.
import { stringOption, type CommandSpec } from '../args';
import { ApiClient } from '../client';
import { isCleartext, normalizeUrl, removeConfig, writeConfig } from '../config';
import type { Context } from '../context';
import { CliError, EXIT, usageError } from '../errors';
import type { Namespace } from '../types';
import { emitList, limitOf, limitOption, outputOption } from './common';

/** The first line of stdin, trimmed: `--api-key -`. */
async function keyFromStdin(ctx: Context): Promise<string> {
  const text = await ctx.io.readStdin('API key: ');
  const key = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!key) throw usageError('--api-key -: stdin is empty (pipe the key in, e.g. from a secret store)');
  return key;
}

const login: CommandSpec<Context> = {
  path: ['login'],
  summary: 'Check an API key against the console and store it with its URL for the other commands.',
  description: `The URL and key are stored in $XDG_CONFIG_HOME/postern/config.json (default
~/.config/postern/config.json), readable by you only (file 0600, directory 0700).
POSTERN_URL and POSTERN_API_KEY in the environment take precedence over the file.
The key may also be a service account's token when the account has a console role.
Give --api-key - to read the key from stdin (or type it, unechoed), so it stays out of your shell history.`,
  options: {
    url: {
      type: 'string',
      value: '<url>',
      required: true,
      description: "The console's URL, e.g. https://postern.example.com.",
    },
    'api-key': {
      type: 'string',
      value: '<key|->',
      required: true,
      description: 'The API key (postern_key_…), or - to read it from stdin.',
    },
  },
  examples: [
    'postern login --url https://postern.example.com --api-key - < ~/postern-key.txt',
    'pass show postern/api-key | postern login --url https://postern.example.com --api-key -',
  ],
  async run(ctx, input) {
    const url = normalizeUrl(stringOption(input, 'url')!);
    const raw = stringOption(input, 'api-key')!;
    const apiKey = raw === '-' ? await keyFromStdin(ctx) : raw.trim();
    if (!apiKey || /\s/.test(apiKey)) throw usageError('--api-key: the key is empty or contains spaces');
    if (isCleartext(url))
      ctx.note(`postern: warning: ${url} is plain http: the key crosses the network unencrypted. Use https.`);
    // Checked before it is stored: a wrong key or URL fails here, not in the next command.
    const api = new ApiClient(url, apiKey, ctx.io.fetch);
    try {
      await api.get('/namespaces', { limit: 1 });
    } catch (err) {
      if (err instanceof CliError && err.exitCode === EXIT.auth)
        throw new CliError(`the console at ${url} refused the key: ${err.message}`, EXIT.auth);
      throw err;
    }
    writeConfig(ctx.configFile, { url, apiKey });
    ctx.note(`Logged in to ${url}; saved in ${ctx.configFile} (readable by you only).`);
    if (ctx.io.env.POSTERN_URL || ctx.io.env.POSTERN_API_KEY)
      ctx.note('Note: POSTERN_URL/POSTERN_API_KEY are set in this environment and take precedence over the file.');
  },
};

const logout: CommandSpec<Context> = {
  path: ['logout'],
  summary: 'Remove the stored URL and API key (the key itself stays valid: revoke it in the console).',
  options: {},
  async run(ctx) {
    ctx.note(removeConfig(ctx.configFile) ? `Removed ${ctx.configFile}.` : 'Not logged in: nothing to remove.');
  },
};

const namespaceList: CommandSpec<Context> = {
  path: ['namespace', 'list'],
  summary: 'List the namespaces you can see, with the paths --namespace accepts.',
  options: { output: outputOption, limit: limitOption },
  async run(ctx, input) {
    const items = await ctx.api().list<Namespace>('/namespaces', {}, limitOf(input));
    emitList(
      ctx,
      input,
      items,
      [
        { header: 'id', value: (n) => n.id },
        { header: 'path', value: (n) => n.path },
      ],
      'namespaces',
    );
  },
};

export const sessionCommands = [login, logout, namespaceList];
