// Route decisions remembered per route table: a proxy asks about the same caller, route and
// request over and over, and a route's policies read only a few things of a request
// (READS, worked out when they are compiled). A decision is reused for a request that
// agrees with the one it was made for on everything those policies read, and only as long
// as the clock cannot change it (the evaluation says until when: Ctx.until).
//
// Why it is exact:
// - The table is rebuilt on any change to routes, policies or namespaces, and its memo
//   with it.
// - An account's state is replaced, never changed in place (engine.ts, replica.ts), so an
//   entry made for one state does not match the next: revoke, disable or a new group is
//   seen on the very next request.
// - Claims are compared by the token's verified-claims object, so two tokens of one
//   account with different claims are two callers to a policy that reads claims.
// - A time-dependent decision holds for at most the rest of the current second, and not if
//   the clock has gone back.
// - A route whose policies read the client certificate is not remembered (the certificate
//   would be part of the key: a few KB).
import { READS, evaluateCompiled, type MultiDecision, type PolicyRequest } from '@/lib/policy';
import { clientCertificate } from '@/lib/verify/client-cert';
import type { DescribedRequest } from '@/lib/verify/describe';
import type { CompiledRoute, EffectivePolicy } from '@/lib/verify/route-table';
import type { AccountState } from '@/lib/verify/types';
import { MemoGate } from '@/lib/verify/memo-gate';

type Get = (name: string) => string | null | undefined;

/** A route's decision: which policy decided, and until when it holds (MultiDecision.until). */
export type RouteDecision = MultiDecision & { policy?: EffectivePolicy };

/** Deny wins; access needs an allow. A route without any policy allows nobody. */
export function decide(route: CompiledRoute, request: PolicyRequest, explain = false): RouteDecision {
  const d = evaluateCompiled(route.compiled, request, explain ? { explain } : undefined);
  // Fields spelled out: an object spread plus a property cost ~2 µs here (two thirds of
  // a 10-policy decision in isolation), a literal a few ns.
  return {
    allowed: d.allowed,
    allow: d.allow,
    deny: d.deny,
    reasons: d.reasons,
    policyIndex: d.policyIndex,
    until: d.until,
    policy: d.policyIndex === null ? undefined : route.policies[d.policyIndex],
  };
}

/** Who is asking, as policies see it: an account and its token's claims, or nobody. */
export interface Caller {
  account: AccountState;
  claims: object;
}

/** The policy engine's view of a described request (identity, method, path, address, the CORS headers, the certificate). */
export function policyRequest(caller: Caller | null, req: DescribedRequest, get: Get, now?: number): PolicyRequest {
  const a = caller?.account;
  return {
    user: a
      ? {
          id: a.userId,
          email: a.email ?? undefined,
          groups: a.groups,
          claims: caller!.claims as Record<string, unknown>,
        }
      : null,
    method: req.method,
    path: req.path,
    sourceIp: req.sourceIp ?? undefined,
    headers: {
      origin: get('origin') ?? undefined,
      'access-control-request-method': get('access-control-request-method') ?? undefined,
    },
    // Parsed only if a policy on the route reads the certificate.
    clientCertificate: req.clientCert ? () => clientCertificate(req.clientCert!.family, req.clientCert!.header) : null,
    now: now === undefined ? undefined : new Date(now),
  };
}

interface Entry {
  decision: RouteDecision;
  /** The account and claims it was made for (null when the route's policies do not read them). */
  account: AccountState | null;
  claims: object | null;
  /** [from, until): when it holds (until Infinity: the clock plays no part). */
  from: number;
  until: number;
}

/** Counters the memo adds to (the engine's `stats`, read by the metrics). */
export interface MemoStats {
  decisionHits: number;
  decisionMisses: number;
}

/** Whether a time-dependent entry holds now (and the clock has not gone back past it). */
function holdsNow(e: Entry): boolean {
  const now = Date.now();
  return now >= e.from && now < e.until;
}

// Key fields are separated by SEP. Every field but the headers is of a closed form that
// cannot hold it: route and account ids, an HTTP method, a canonical path (unreserved
// characters and %XX only), a validated IP address. The header values are free text, so
// each is length-prefixed.
const SEP = '\u0001';
/** A header's value in a key: absent and empty differ, and the length keeps fields apart. */
const field = (v: string | null | undefined) => (v == null ? '\u0002' : `${SEP}${v.length}:${v}`);

export class DecisionMemo {
  private entries = new Map<string, Entry>();

  /** `max` entries at most: past it the memo starts over (no bookkeeping on a hit). */
  constructor(
    private readonly stats: MemoStats = { decisionHits: 0, decisionMisses: 0 },
    private readonly max = 10_000,
    private readonly gate: Pick<MemoGate, 'use' | 'record'> = new MemoGate(),
  ) {}

  /** As `decide(route, policyRequest(caller, req, get))`; the answer is shared, read only. */
  decide(route: CompiledRoute, caller: Caller | null, req: DescribedRequest, get: Get): RouteDecision {
    const reads = route.reads;
    if (reads & READS.clientCertificate || !this.gate.use()) {
      this.stats.decisionMisses++;
      return decide(route, policyRequest(caller, req, get));
    }
    let key = route.id;
    if (reads & READS.user) key += caller ? SEP + caller.account.id : '\u0002';
    if (reads & READS.method) key += SEP + req.method;
    if (reads & READS.path) key += SEP + req.path;
    if (reads & READS.sourceIp) key += SEP + (req.sourceIp ?? '');
    if (reads & READS.headers) key += field(get('origin')) + field(get('access-control-request-method'));
    const account = reads & READS.user && caller ? caller.account : null;
    const claims = reads & READS.claims && caller ? caller.claims : null;
    const hit = this.entries.get(key);
    if (
      hit !== undefined &&
      hit.account === account &&
      hit.claims === claims &&
      (hit.until === Number.POSITIVE_INFINITY || holdsNow(hit))
    ) {
      this.gate.record(true);
      this.stats.decisionHits++;
      return hit.decision;
    }
    this.gate.record(false);
    this.stats.decisionMisses++;
    const from = reads & READS.time ? Date.now() : undefined;
    const decision = decide(route, policyRequest(caller, req, get, from));
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, {
      decision,
      account,
      claims,
      from: from ?? 0,
      until: decision.until ?? Number.POSITIVE_INFINITY,
    });
    return decision;
  }
}
