// Postern routes and policies → a Pomerium `routes:` file (pure; no database).
//
// Each route's `policy` holds the rules of every Postern policy that applies to it
// (enforced ones of its namespace and ancestors, then its own picks). Pomerium ORs the
// allow rules and lets any deny win, which is exactly how Postern combines policies, so
// the file decides as the console does. A comment names each policy's rules so that
// Postern's import can split them back into the same policies.
import { Document, isSeq, type YAMLSeq } from 'yaml';
import { parsePolicy } from '@/lib/policy';
import { policyToValue } from '@/lib/policy/print';
import { formatPath, type PathSegment } from '@/lib/policy/errors';
import { OPERATORS, type Block, type Item, type Policy } from '@/lib/policy/types';

export interface ExportPolicy {
  name: string;
  enforced: boolean;
  ppl: string;
}
export interface ExportRoute {
  name: string;
  host: string;
  pathPrefix: string;
  to: string[];
  policies: ExportPolicy[];
}
export interface NotExported {
  route: string;
  reason: string;
}
export interface ExportResult {
  text: string;
  exported: number;
  notExported: NotExported[];
}

/**
 * Why Pomerium could not read this policy the same way, or null. Postern extensions:
 * a time zone on day_of_week, and operator groups nested inside an operator's list
 * (Pomerium's lists hold criteria only).
 */
export function pomeriumIncompatibility(policy: Policy): string | null {
  const several = policy.rules.length > 1;
  const visit = (block: Block, at: PathSegment[], nested: boolean): string | null => {
    if (nested) return `${formatPath(at)}: an operator group nested in a list (a Postern extension)`;
    for (const op of OPERATORS) {
      const items: readonly Item[] = block[op] ?? [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (item.kind === 'block') return visit(item, [...at, op, i], true);
        if (item.name === 'day_of_week' && item.timezone !== undefined) {
          return `${formatPath([...at, op, i, 'day_of_week'])}: a day_of_week time zone (a Postern extension; Pomerium uses UTC)`;
        }
      }
    }
    return null;
  };
  for (let r = 0; r < policy.rules.length; r++) {
    const rule = policy.rules[r]!;
    for (const side of ['allow', 'deny'] as const) {
      const b = rule[side];
      const why = b ? visit(b, several ? [r, side] : [side], false) : null;
      if (why) return why;
    }
  }
  return null;
}

const rulesOf = (ppl: string): unknown[] => {
  const v = policyToValue(parsePolicy(ppl));
  return Array.isArray(v) ? v : [v];
};

const quote = (s: string) => JSON.stringify(s).slice(1, -1);

export function exportPomeriumRoutes(
  routes: readonly ExportRoute[],
  meta: { namespace: string; at: Date },
): ExportResult {
  const notExported: NotExported[] = [];
  const out: { route: Record<string, unknown>; markers: { at: number; text: string }[] }[] = [];
  const blocked = new Map<string, string>();
  for (const r of routes) {
    const problems = r.policies.flatMap((p) => {
      if (!blocked.has(p.name)) blocked.set(p.name, pomeriumIncompatibility(parsePolicy(p.ppl)) ?? '');
      const why = blocked.get(p.name);
      return why ? [`policy "${p.name}" is not exportable: ${why}`] : [];
    });
    if (problems.length) {
      // Leaving a policy out would let Pomerium allow what Postern refuses: the route is left out instead.
      notExported.push({ route: r.name, reason: problems.join('; ') });
      continue;
    }
    const route: Record<string, unknown> = { name: r.name, from: `https://${r.host}` };
    if (r.pathPrefix !== '/') route.prefix = r.pathPrefix;
    route.to = [...r.to];
    const rules: unknown[] = [];
    const markers: { at: number; text: string }[] = [];
    for (const p of r.policies) {
      const these = rulesOf(p.ppl);
      if (!these.length) {
        // A policy without rules allows nobody and denies nothing: nothing to write.
        continue;
      }
      markers.push({
        at: rules.length,
        text: ` Postern policy "${quote(p.name)}" (${p.enforced ? 'enforced' : 'optional'})`,
      });
      rules.push(...these);
    }
    if (rules.length) route.policy = rules;
    out.push({ route, markers });
  }
  // Strings a YAML 1.1 reader would turn into numbers or booleans (17:00, yes) are quoted.
  const doc = new Document({ routes: out.map((o) => o.route) }, { version: '1.2', compat: 'yaml-1.1' });
  doc.commentBefore = [
    ` Pomerium routes exported from Postern (namespace "${quote(meta.namespace)}") on ${meta.at.toISOString()}.`,
    " Each route's policy holds the rules of every Postern policy that applies to it; a comment names each one.",
    ...(notExported.length
      ? [' Not exported (they use Postern extensions):', ...notExported.map((n) => `   ${n.route}: ${n.reason}`)]
      : []),
  ].join('\n');
  out.forEach((o, i) => {
    const seq = doc.getIn(['routes', i, 'policy'], true);
    if (!isSeq(seq)) return;
    for (const m of o.markers) {
      const node = (seq as YAMLSeq).items[m.at] as { commentBefore?: string } | undefined;
      if (node) node.commentBefore = m.text;
    }
  });
  const text = doc.toString({ lineWidth: 0 });
  return { text, exported: out.length, notExported };
}
