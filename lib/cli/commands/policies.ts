// postern policy apply|list.
import { readFileSync } from 'node:fs';
import { flag, stringOption, type CommandSpec } from '../args';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, printable, usageError } from '../errors';
import { formatJson, formatTable } from '../output';
import type { PolicyManifest } from '../policy-file';
import { findPolicyByName, resolveNamespace } from '../resolve';
import type { Namespace, Policy } from '../types';
import { namespaceOption, namespacedListCommand, outputOption } from './common';

interface Outcome {
  action: 'created' | 'updated' | 'unchanged' | 'would create' | 'would update';
  name: string;
  id: string | null;
  namespaceId: string;
}

const fields = (m: PolicyManifest) => ({
  name: m.name,
  description: m.description,
  enforced: m.enforced,
  explanation: m.explanation,
  remediation: m.remediation,
  ppl: m.ppl,
});

async function applyOne(ctx: Context, namespace: Namespace, m: PolicyManifest, dryRun: boolean): Promise<Outcome> {
  const api = ctx.api();
  const { samePolicy } = await import('../policy-file');
  const base = { name: m.name, namespaceId: namespace.id };
  const existing = await findPolicyByName(api, namespace.id, m.name);
  if (!existing) {
    if (dryRun) return { ...base, action: 'would create', id: null };
    const { data } = await api.call<Policy>('POST', '/policies', { body: { namespaceId: namespace.id, ...fields(m) } });
    return { ...base, action: 'created', id: data.id };
  }
  // The single read carries the ETag the update is conditional on: an edit made meanwhile is not overwritten.
  const { data: current, etag } = await api.call<Policy>('GET', `/policies/${existing.id}`);
  if (samePolicy(current, m)) return { ...base, action: 'unchanged', id: current.id };
  if (dryRun) return { ...base, action: 'would update', id: current.id };
  try {
    await api.call<Policy>('PATCH', `/policies/${current.id}`, { body: fields(m), ifMatch: etag ?? undefined });
  } catch (err) {
    if (err instanceof ApiError && err.status === 412)
      throw new CliError(
        `the policy "${printable(m.name)}" changed while it was being applied; nothing was overwritten`,
        EXIT.conflict,
        ['Run the command again to apply the file to the current version.'],
      );
    throw err;
  }
  return { ...base, action: 'updated', id: current.id };
}

const apply: CommandSpec<Context> = {
  path: ['policy', 'apply'],
  usage: '-f <file|-> [--namespace <path|id>] [--name <name>] [--dry-run] [--output table|json]',
  summary: 'Make the policies in a file exist as written: create them, or update those that differ.',
  description: `Policies are matched by name within their namespace, so applying the same file twice leaves one
policy, unchanged the second time. An update is conditional on the version read (If-Match): if someone
edits the policy meanwhile, nothing is overwritten and the command exits 5.

A file holds one or more YAML documents (separated by ---), each a manifest:

  name: allow-ci
  namespace: Global/payments      # or --namespace
  description: CI deploys         # optional, like enforced (true/false), explanation, remediation
  ppl:
    allow:
      and:
        - user: { is: ci-deploy }

or a single bare PPL document (allow:/deny: at the top), named by --name or by the file name.
Prints one line per policy: created, updated or unchanged, its name and id.`,
  options: {
    file: {
      type: 'string',
      short: 'f',
      value: '<file|->',
      required: true,
      description: 'The policy file; - reads stdin.',
    },
    namespace: namespaceOption(false, 'The namespace of policies whose manifest names none (path or id).'),
    name: { type: 'string', value: '<name>', description: 'The name of a bare PPL document (default: the file name).' },
    'dry-run': { type: 'boolean', description: 'Only say what would change.' },
    output: outputOption,
  },
  examples: ['postern policy apply -f policies/allow-ci.yaml --namespace Global/payments'],
  async run(ctx, input) {
    const file = stringOption(input, 'file')!;
    let text: string;
    try {
      text = file === '-' ? await ctx.io.readStdin() : readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.failed);
    }
    // Loaded here only: the PPL parser (and zod) would slow every other command's start.
    const { readPolicyManifests } = await import('../policy-file');
    const manifests = readPolicyManifests(text, file, stringOption(input, 'name'));
    const flagNamespace = stringOption(input, 'namespace');
    for (const m of manifests)
      if (!m.namespace && !flagNamespace)
        throw usageError(`the policy "${printable(m.name)}" names no namespace: give --namespace or a namespace: key`);
    const api = ctx.api();
    const namespaces = new Map<string, Namespace>();
    const outcomes: Outcome[] = [];
    for (const m of manifests) {
      const ref = m.namespace ?? flagNamespace!;
      if (!namespaces.has(ref)) namespaces.set(ref, await resolveNamespace(api, ref));
      outcomes.push(await applyOne(ctx, namespaces.get(ref)!, m, flag(input, 'dry-run')));
    }
    if (stringOption(input, 'output') === 'json') ctx.io.stdout(formatJson(outcomes));
    else
      ctx.io.stdout(
        formatTable(outcomes, [
          { header: 'result', value: (o) => o.action },
          { header: 'name', value: (o) => o.name },
          { header: 'id', value: (o) => o.id },
          { header: 'namespace', value: (o) => o.namespaceId },
        ]),
      );
  },
};

const list = namespacedListCommand<Policy>({
  path: ['policy', 'list'],
  summary: 'List policies.',
  resource: '/policies',
  noun: 'policies',
  columns: [
    { header: 'id', value: (p) => p.id },
    { header: 'name', value: (p) => p.name },
    { header: 'namespace', value: (p) => p.namespaceId },
    { header: 'enforced', value: (p) => (p.enforced ? 'yes' : 'no') },
    { header: 'description', value: (p) => p.description },
  ],
});

export const policyCommands = [apply, list];
