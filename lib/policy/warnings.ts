// Things that are valid PPL (Pomerium accepts them) but almost certainly not what the
// author meant. The editor shows them as warnings, never as errors.
import { formatPath, type PathSegment } from './errors';
import { OPERATORS, type Block, type Item, type Policy } from './types';

export interface PolicyWarning {
  /** PPL path, e.g. `allow.and`, or '' for the whole policy. */
  path: string;
  message: string;
}

export const MATCHES_NOTHING = 'this block matches nothing';

export function policyWarnings(policy: Policy): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  if (policy.rules.length === 0)
    out.push({ path: '', message: `The policy has no rules: ${MATCHES_NOTHING}, so it allows no one.` });
  const several = policy.rules.length > 1;
  policy.rules.forEach((rule, i) => {
    const at: PathSegment[] = several ? [i] : [];
    if (rule.allow) block(rule.allow, [...at, 'allow'], out);
    if (rule.deny) block(rule.deny, [...at, 'deny'], out);
  });
  return out;
}

function block(b: Block, at: readonly PathSegment[], out: PolicyWarning[]): void {
  const ops = OPERATORS.filter((op) => b[op] !== undefined);
  if (ops.length === 0) {
    out.push({ path: formatPath(at), message: `${formatPath(at)}: ${MATCHES_NOTHING} (it has no operator)` });
    return;
  }
  for (const op of ops) {
    const items = b[op] as readonly Item[];
    const where = formatPath([...at, op]);
    if (items.length === 0) out.push({ path: where, message: `${where}: ${MATCHES_NOTHING} (the list is empty)` });
    items.forEach((item, i) => {
      if (item.kind === 'block') {
        block(item, [...at, op, i], out);
        return;
      }
      const path = formatPath([...at, op, i, item.name]);
      if (item.name === 'client_certificate' && Object.keys(item.value).length === 0) {
        out.push({ path, message: `${path}: no condition, so any readable client certificate matches` });
      } else if (
        typeof item.value === 'object' &&
        item.name !== 'source_ip' &&
        item.name !== 'client_certificate' &&
        Object.keys(item.value).length === 0
      ) {
        out.push({ path, message: `${path}: no matcher, so any value matches` });
      }
    });
  }
}
