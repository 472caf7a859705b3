// postern route create|list|delete.
import { flag, listOption, stringOption, type CommandSpec } from '../args';
import type { Context } from '../context';
import { resolveNamespace, resolvePolicyId, resolveRoute } from '../resolve';
import type { Route } from '../types';
import { emitCreated, namespaceOption, namespacedListCommand } from './common';

const create: CommandSpec<Context> = {
  path: ['route', 'create'],
  usage: '--namespace <path|id> --name <name> --from <https-url> --to <url>… [--policy <name|id>]… [options]',
  summary: 'Create a route and print its id on stdout.',
  options: {
    namespace: namespaceOption(true),
    name: { type: 'string', value: '<name>', required: true, description: 'The route name.' },
    from: {
      type: 'string',
      value: '<https-url>',
      required: true,
      description: 'The external URL the proxies guard: host and path prefix, e.g. https://api.example.com/v1.',
    },
    to: {
      type: 'string',
      value: '<url>',
      multiple: true,
      required: true,
      description: 'An upstream URL (repeat for several).',
    },
    policy: {
      type: 'string',
      value: '<name|id>',
      multiple: true,
      description: "A policy of the route's namespace, by name or id (repeat for several).",
    },
    'accept-external-tokens': {
      type: 'boolean',
      description: "Let CI jobs present their platform's token (of an issuer trusted here) instead of a Postern token.",
    },
    output: {
      type: 'string',
      short: 'o',
      value: '<format>',
      choices: ['id', 'json'],
      default: 'id',
      description: 'id: the new route id; json: the route.',
    },
  },
  examples: [
    'postern route create -n Global/payments --name payments-api --from https://payments.internal.example.com \\\n    --to http://10.0.0.7:8080 --policy allow-ci',
  ],
  async run(ctx, input) {
    const api = ctx.api();
    const namespace = await resolveNamespace(api, stringOption(input, 'namespace')!);
    const policyIds: string[] = [];
    for (const p of listOption(input, 'policy')) policyIds.push(await resolvePolicyId(api, namespace.id, p));
    const { data } = await api.call<Route>('POST', '/routes', {
      body: {
        namespaceId: namespace.id,
        name: stringOption(input, 'name'),
        from: stringOption(input, 'from'),
        to: listOption(input, 'to').join('\n'),
        policyIds,
        acceptExternalTokens: flag(input, 'accept-external-tokens'),
      },
    });
    ctx.note(`Created route ${data.id} (${data.name}).`);
    emitCreated(ctx, input, data);
  },
};

const list = namespacedListCommand<Route>({
  path: ['route', 'list'],
  summary: 'List routes.',
  resource: '/routes',
  noun: 'routes',
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'name', value: (r) => r.name },
    { header: 'namespace', value: (r) => r.namespaceId },
    { header: 'from', value: (r) => r.from },
    { header: 'to', value: (r) => r.to },
    { header: 'policies', value: (r) => r.policyIds?.length ?? 0 },
  ],
});

const remove: CommandSpec<Context> = {
  path: ['route', 'delete'],
  summary: 'Delete a route (the proxies stop admitting requests to it).',
  args: [{ name: 'route', required: true, description: "The route's id, or its name with --namespace." }],
  options: { namespace: namespaceOption(false, 'The namespace to find the route by name in.') },
  examples: ['postern route delete payments-api --namespace Global/payments'],
  async run(ctx, input) {
    const api = ctx.api();
    const ns = stringOption(input, 'namespace');
    const namespaceId = ns === undefined ? undefined : (await resolveNamespace(api, ns)).id;
    const route = await resolveRoute(api, input.args[0]!, namespaceId);
    await api.call('DELETE', `/routes/${route.id}`);
    ctx.note(`Deleted route ${route.id} (${route.name}).`);
  },
};

export const routeCommands = [create, list, remove];
