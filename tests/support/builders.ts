// Real rows made through the DAL and the same schemas the console uses, for tests that need
// an account, a policy or a route and do not care about their names. The *Input builders
// give the parsed form values alone, for update calls and for tests of creation itself.
import type { Actor } from '@/lib/dal/actor';
import { createPolicy } from '@/lib/dal/policies';
import { createRoute } from '@/lib/dal/routes';
import { createServiceAccount } from '@/lib/dal/service-accounts';
import { policyFormSchema } from '@/lib/schemas/policy';
import { routeFormSchema } from '@/lib/schemas/route';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { uid } from './helpers';

type Over = Record<string, unknown>;

/** A service-only account that never expires; `over` changes any form field. */
export const accountInput = (namespaceId: string, over: Over = {}) =>
  createServiceAccountSchema.parse({
    namespaceId,
    kind: 'service',
    userId: `t-${uid()}`,
    expiration: 'never',
    ...over,
  });

/** An optional policy with this PPL; `over` changes any form field. */
export const policyInput = (ppl: string, over: Over = {}) =>
  policyFormSchema.parse({
    name: `p-${uid()}`,
    description: '',
    enforced: false,
    explanation: '',
    remediation: '',
    ppl,
    ...over,
  });

/** A route from this URL to a closed port, with these policies; `over` changes any form field. */
export const routeInput = (from: string, policyIds: string[] = [], over: Over = {}) =>
  routeFormSchema.parse({ name: `r-${uid()}`, from, to: 'http://127.0.0.1:9', policyIds, ...over });

export const newAccount = (actor: Actor, namespaceId: string, over: Over = {}) =>
  createServiceAccount(actor, accountInput(namespaceId, over));

export const newPolicy = (actor: Actor, namespaceId: string, ppl: string, over: Over = {}) =>
  createPolicy(actor, namespaceId, policyInput(ppl, over));

export const newRoute = (actor: Actor, namespaceId: string, from: string, policyIds: string[] = [], over: Over = {}) =>
  createRoute(actor, namespaceId, routeInput(from, policyIds, over));

/** A route with a policy of its own, made from this PPL. */
export const newGuardedRoute = async (actor: Actor, namespaceId: string, from: string, ppl: string) =>
  newRoute(actor, namespaceId, from, [(await newPolicy(actor, namespaceId, ppl)).id]);
