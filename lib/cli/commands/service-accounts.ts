// postern sa create|list|revoke|disable|enable|rotate.
import { stringOption, type CommandSpec, type Parsed } from '../args';
import type { Context } from '../context';
import { usageError } from '../errors';
import { EXPIRES_HELP, parseExpires } from '../expires';
import { formatJson } from '../output';
import { resolveAccount, resolveDirectoryUser, resolveNamespace } from '../resolve';
import type { ServiceAccount } from '../types';
import { emitList, limitOf, limitOption, namespaceOption, outputOption } from './common';

interface Issued {
  serviceAccount: ServiceAccount;
  token: string;
}

const ACCOUNT_ARG = [{ name: 'account', required: true, description: "The account's id or its user ID." }];

const tokenOutput = {
  type: 'string' as const,
  short: 'o',
  value: '<format>',
  choices: ['token', 'json'],
  default: 'token',
  description: 'token: the JWT alone, on one line; json: {serviceAccount, token}.',
};

const expiresOption = (what: string) => ({
  type: 'string' as const,
  value: '<when>',
  default: 'never',
  description: `When ${what} expires: ${EXPIRES_HELP}. A namespace's maximum token lifetime may refuse never.`,
});

/** The token on stdout (and nothing else), the account on stderr for whoever watches. */
function emitIssued(ctx: Context, input: Parsed, issued: Issued, verb: string): void {
  const a = issued.serviceAccount;
  ctx.note(`${verb} service account ${a.id} (user ID ${a.userId}); its token is shown once.`);
  ctx.io.stdout(stringOption(input, 'output') === 'json' ? formatJson(issued) : `${issued.token}\n`);
}

const create: CommandSpec<Context> = {
  path: ['sa', 'create'],
  usage: '--namespace <path|id> (--user-id <id> | --impersonate <user>) [--description <text>] [--expires <when>]',
  summary: 'Create a service account and print its token (once) on stdout.',
  description: `The token is the only thing written to stdout, so TOKEN=$(postern sa create …) captures it;
it is not stored anywhere and cannot be shown again (rotate the account for a new one).`,
  options: {
    namespace: namespaceOption(true),
    'user-id': {
      type: 'string',
      value: '<id>',
      description: 'A service-only account with this user ID (letters, digits, .-_@).',
    },
    impersonate: {
      type: 'string',
      value: '<user>',
      description: "An account that acts as this directory user (its id or email), with the user's email and groups.",
    },
    description: { type: 'string', value: '<text>', description: 'What the account is for.' },
    expires: expiresOption('the token'),
    output: tokenOutput,
  },
  examples: [
    'TOKEN=$(postern sa create --namespace Global/payments --user-id ci-deploy --expires 30d)',
    'postern sa create -n global --impersonate alice@example.com --expires 2027-01-31 --description "Alice\'s batch jobs"',
  ],
  async run(ctx, input) {
    const userId = stringOption(input, 'user-id');
    const impersonate = stringOption(input, 'impersonate');
    if ((userId === undefined) === (impersonate === undefined))
      throw usageError('give either --user-id (a service-only account) or --impersonate (a directory user)');
    const expiry = parseExpires(stringOption(input, 'expires')!, ctx.io.now());
    const api = ctx.api();
    const namespace = await resolveNamespace(api, stringOption(input, 'namespace')!);
    const body = {
      namespaceId: namespace.id,
      ...(userId !== undefined
        ? { kind: 'service', userId }
        : { kind: 'impersonate', directoryUserId: (await resolveDirectoryUser(api, impersonate!)).id }),
      description: stringOption(input, 'description') ?? '',
      ...expiry,
    };
    const { data } = await api.call<Issued>('POST', '/service-accounts', { body });
    emitIssued(ctx, input, data, 'Created');
  },
};

const STATES = ['active', 'disabled', 'revoked', 'expired'];

const list: CommandSpec<Context> = {
  path: ['sa', 'list'],
  summary: 'List service accounts.',
  options: {
    namespace: namespaceOption(false, 'Only this namespace (path or id); default: every namespace you can see.'),
    state: { type: 'string', value: '<state>', choices: STATES, description: 'Only accounts in this state.' },
    search: {
      type: 'string',
      short: 'q',
      value: '<text>',
      description: 'Only accounts whose user ID or description contains this.',
    },
    limit: limitOption,
    output: outputOption,
  },
  examples: ['postern sa list --namespace Global/payments --state active --output json'],
  async run(ctx, input) {
    const api = ctx.api();
    const ns = stringOption(input, 'namespace');
    const namespaceId = ns === undefined ? undefined : (await resolveNamespace(api, ns)).id;
    const items = await api.list<ServiceAccount>(
      '/service-accounts',
      { namespaceId, state: stringOption(input, 'state'), q: stringOption(input, 'search') },
      limitOf(input),
    );
    emitList(
      ctx,
      input,
      items,
      [
        { header: 'id', value: (a) => a.id },
        { header: 'user id', value: (a) => a.userId },
        { header: 'namespace', value: (a) => a.namespaceId },
        { header: 'state', value: (a) => a.state },
        { header: 'expires', value: (a) => a.expiresAt ?? 'never' },
        { header: 'last used', value: (a) => a.lastAccessedAt },
        { header: 'description', value: (a) => a.description },
      ],
      'service accounts',
    );
  },
};

const revoke: CommandSpec<Context> = {
  path: ['sa', 'revoke'],
  summary: 'Revoke a service account: its tokens stop working at once, for good.',
  args: ACCOUNT_ARG,
  options: {},
  examples: ['postern sa revoke ci-deploy'],
  async run(ctx, input) {
    const api = ctx.api();
    const account = await resolveAccount(api, input.args[0]!);
    await api.call('POST', `/service-accounts/${account.id}/revoke`);
    ctx.note(`Revoked service account ${account.id} (user ID ${account.userId}).`);
  },
};

const setDisabled = (disabled: boolean): CommandSpec<Context> => ({
  path: ['sa', disabled ? 'disable' : 'enable'],
  summary: disabled
    ? 'Suspend a service account: its tokens are refused until it is enabled.'
    : 'Enable a disabled service account: its current token works again.',
  args: ACCOUNT_ARG,
  options: {},
  async run(ctx, input) {
    const api = ctx.api();
    const account = await resolveAccount(api, input.args[0]!);
    await api.call('PATCH', `/service-accounts/${account.id}`, { body: { disabled } });
    ctx.note(`${disabled ? 'Disabled' : 'Enabled'} service account ${account.id} (user ID ${account.userId}).`);
  },
});

const rotate: CommandSpec<Context> = {
  path: ['sa', 'rotate'],
  summary: 'Issue a service account a new token (printed once on stdout); the old one works for the grace period.',
  args: ACCOUNT_ARG,
  options: {
    grace: {
      type: 'string',
      value: '<period>',
      choices: ['none', '1h', '24h', '7d'],
      default: 'none',
      description: 'How long the replaced token keeps working.',
    },
    expires: expiresOption('the new token'),
    output: tokenOutput,
  },
  examples: ['NEW=$(postern sa rotate ci-deploy --grace 1h --expires 30d)'],
  async run(ctx, input) {
    const expiry = parseExpires(stringOption(input, 'expires')!, ctx.io.now());
    const api = ctx.api();
    const account = await resolveAccount(api, input.args[0]!);
    const { data } = await api.call<Issued>('POST', `/service-accounts/${account.id}/rotate`, {
      body: { grace: stringOption(input, 'grace'), ...expiry },
    });
    emitIssued(ctx, input, data, 'Rotated');
  },
};

export const serviceAccountCommands = [create, list, revoke, setDisabled(true), setDisabled(false), rotate];
