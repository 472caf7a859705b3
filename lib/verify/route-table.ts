import { compilePolicy, parsePolicy, type CompiledPolicy, type Policy } from '@/lib/policy';
import type { EngineLog, RouteTableData } from '@/lib/verify/types';
import { canonicalPath, underPrefix } from '@/lib/net/canonical-path';
import { DecisionMemo, type MemoStats } from '@/lib/verify/decision-memo';

export interface EffectivePolicy {
  id: string;
  name: string;
  policy: Policy;
  explanation: string;
  remediation: string;
}
export interface CompiledRoute {
  id: string;
  namespaceId: string;
  host: string;
  pathPrefix: string;
  /** Whether a CI platform's token may be presented directly (lib/verify/external.ts). */
  acceptExternalTokens: boolean;
  /** The route's namespace and all its ancestors: accounts from any of them may use the route. */
  scope: ReadonlySet<string>;
  /** Enforced policies of the namespace and its ancestors, then the route's own picks. */
  policies: EffectivePolicy[];
  compiled: CompiledPolicy[];
  /** What of a request its policies read (READS bits): what a remembered decision must agree on. */
  reads: number;
}

/** Longest-prefix route matching and precompiled policies, rebuilt whenever anything changes. */
export class RouteTable {
  private byHost = new Map<string, CompiledRoute[]>();
  /** Decisions on this table's routes (lib/verify/decision-memo.ts): gone with the table. */
  readonly memo: DecisionMemo;

  constructor(data: RouteTableData, log: EngineLog = console, stats?: MemoStats) {
    this.memo = new DecisionMemo(stats);
    const parent = new Map(data.namespaces.map((n) => [n.id, n.parentId]));
    const ancestors = (id: string) => {
      const out: string[] = [];
      for (let cur: string | null | undefined = id; cur && out.length <= data.namespaces.length; cur = parent.get(cur))
        out.push(cur);
      return out;
    };
    const policies = new Map<string, EffectivePolicy>();
    for (const p of data.policies) {
      try {
        policies.set(p.id, {
          id: p.id,
          name: p.name,
          policy: parsePolicy(p.ppl),
          explanation: p.explanation,
          remediation: p.remediation,
        });
      } catch (err) {
        // Stored policies were validated on save; one that no longer parses denies (see below).
        log.error({ policy: p.id, err: (err as Error).message }, 'stored policy does not parse');
      }
    }
    const enforcedByNs = new Map<string, string[]>();
    for (const p of data.policies)
      if (p.enforced)
        (enforcedByNs.get(p.namespaceId) ?? enforcedByNs.set(p.namespaceId, []).get(p.namespaceId)!).push(p.id);
    for (const r of data.routes) {
      const chain = ancestors(r.namespaceId);
      const ids = [...new Set([...chain.flatMap((ns) => enforcedByNs.get(ns) ?? []), ...r.policyIds])];
      const effective: EffectivePolicy[] = [];
      for (const id of ids) {
        const p = policies.get(id);
        // Fail closed: an unreadable policy becomes a deny-all, never a silent skip.
        effective.push(
          p ?? {
            id,
            name: '(unreadable policy)',
            policy: parsePolicy({ deny: { or: [{ accept: true }] } }),
            explanation: 'A policy on this route could not be read.',
            remediation: 'Ask an administrator to fix the policy.',
          },
        );
      }
      // Saved prefixes are canonical already; rows from before canonicalisation are made so here.
      const canonical = canonicalPath(r.pathPrefix, { allowSemicolon: true, text: true });
      if (!canonical.ok)
        log.warn({ route: r.id, reason: canonical.reason }, 'route prefix is not a valid path; it matches nothing');
      const compiled = effective.map((p) => compilePolicy(p.policy));
      const route: CompiledRoute = {
        id: r.id,
        namespaceId: r.namespaceId,
        host: r.host,
        pathPrefix: canonical.ok ? canonical.path.replace(/(.)\/+$/, '$1') : r.pathPrefix,
        acceptExternalTokens: r.acceptExternalTokens === true,
        scope: new Set(chain),
        policies: effective,
        compiled,
        reads: compiled.reduce((r, c) => r | c.rules.reads, 0),
      };
      const list = this.byHost.get(r.host) ?? [];
      list.push(route);
      this.byHost.set(r.host, list);
    }
    for (const list of this.byHost.values()) list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  }

  /** `host` and `path` in canonical form (lib/verify/describe.ts); the longest prefix on a segment boundary wins. */
  match(host: string, path: string): CompiledRoute | undefined {
    const list =
      this.byHost.get(host) ??
      (/:(?:443|80)$/.test(host) ? this.byHost.get(host.slice(0, host.lastIndexOf(':'))) : undefined);
    if (!list) return undefined;
    for (const r of list) if (underPrefix(path, r.pathPrefix)) return r;
    return undefined;
  }
}
