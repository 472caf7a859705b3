// postern api-key create|list|revoke: the caller's own personal API keys.
import { stringOption, type CommandSpec } from '../args';
import type { Context } from '../context';
import { CliError, EXIT, printable, usageError } from '../errors';
import { formatJson } from '../output';
import { isUuid } from '../resolve';
import { emitList, outputOption } from './common';

interface ApiKey {
  id: string;
  name: string;
  roleCap: string;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `--expires` for a key: never, or whole days (the API's expiresInDays). */
export function keyExpiryDays(input: string): number | undefined {
  const value = input.trim().toLowerCase();
  if (value === 'never') return undefined;
  const m = /^([1-9]\d{0,3})d$/.exec(value);
  if (!m || Number(m[1]) > 3650) throw usageError(`--expires ${input}: use never or a number of days, 1d to 3650d`);
  return Number(m[1]);
}

const create: CommandSpec<Context> = {
  path: ['api-key', 'create'],
  summary: 'Create a personal API key and print it (once) on stdout.',
  description: `The key acts as you, with at most the role cap on each namespace (never more than your own role).
It is stored hashed: copy it now, into your secret store.`,
  options: {
    name: {
      type: 'string',
      value: '<name>',
      required: true,
      description: 'What the key is for, e.g. the pipeline that uses it.',
    },
    'role-cap': {
      type: 'string',
      value: '<role>',
      required: true,
      choices: ['viewer', 'manager', 'admin'],
      description: 'The most the key may do.',
    },
    expires: { type: 'string', value: '<days>', default: 'never', description: 'never, or a number of days (90d).' },
    output: {
      type: 'string',
      short: 'o',
      value: '<format>',
      choices: ['key', 'json'],
      default: 'key',
      description: 'key: the key alone; json: {apiKey, key}.',
    },
  },
  examples: [
    'postern api-key create --name ci-payments --role-cap manager --expires 90d | gh secret set POSTERN_API_KEY',
  ],
  async run(ctx, input) {
    const expiresInDays = keyExpiryDays(stringOption(input, 'expires')!);
    const { data } = await ctx.api().call<{ apiKey: ApiKey; key: string }>('POST', '/api-keys', {
      body: { name: stringOption(input, 'name'), roleCap: stringOption(input, 'role-cap'), expiresInDays },
    });
    ctx.note(`Created API key ${data.apiKey.id} (${printable(data.apiKey.name)}); it is shown once.`);
    ctx.io.stdout(stringOption(input, 'output') === 'json' ? formatJson(data) : `${data.key}\n`);
  },
};

const list: CommandSpec<Context> = {
  path: ['api-key', 'list'],
  summary: 'List your API keys (never the keys themselves).',
  options: { output: outputOption },
  async run(ctx, input) {
    const items = await ctx.api().list<ApiKey>('/api-keys');
    emitList(
      ctx,
      input,
      items,
      [
        { header: 'id', value: (k) => k.id },
        { header: 'name', value: (k) => k.name },
        { header: 'role cap', value: (k) => k.roleCap },
        { header: 'expires', value: (k) => k.expiresAt ?? 'never' },
        { header: 'last used', value: (k) => k.lastUsedAt },
        { header: 'revoked', value: (k) => k.revokedAt },
      ],
      'API keys',
    );
  },
};

const revoke: CommandSpec<Context> = {
  path: ['api-key', 'revoke'],
  summary: 'Revoke one of your API keys: it stops working at once.',
  args: [{ name: 'key', required: true, description: "The key's id or name." }],
  options: {},
  async run(ctx, input) {
    const api = ctx.api();
    const wanted = input.args[0]!;
    const keys = await api.list<ApiKey>('/api-keys');
    const matches = isUuid(wanted)
      ? keys.filter((k) => k.id === wanted)
      : keys.filter((k) => k.name === wanted && !k.revokedAt);
    if (!matches.length)
      throw new CliError(`no API key of yours with the id or name "${printable(wanted)}"`, EXIT.notFound);
    if (matches.length > 1) throw usageError(`several of your API keys are named "${printable(wanted)}": give the id`);
    await api.call('DELETE', `/api-keys/${matches[0]!.id}`);
    ctx.note(`Revoked API key ${matches[0]!.id} (${printable(matches[0]!.name)}).`);
  },
};

export const apiKeyCommands = [create, list, revoke];
