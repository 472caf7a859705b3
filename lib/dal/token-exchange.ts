import 'server-only';
// Workload identity federation: a job's platform token (GitHub Actions, GitLab CI, a
// Kubernetes service account) becomes a short-lived token of a service account whose trust
// rules it meets. The caller is anonymous; the subject token is its only credential, so
// nothing about the account is revealed before that token has been verified.
import { getPrisma } from '@/lib/db';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { namespaceTree, pathTo } from '@/lib/dal/namespaces';
import { accountTokenIssuer } from '@/lib/dal/account-tokens';
import { config } from '@/lib/config';
import { peekIssuer, type ExternalFailure } from '@/lib/federation/external-token';
import { compileRuleConditions, matchTrustRules } from '@/lib/federation/match-rules';
import { MAX_EXCHANGED_LIFETIME_SEC } from '@/lib/federation/presets';
import { parseClaimConditions } from '@/lib/policy';

export interface ExchangeInput {
  subjectToken: string;
  /** The service account whose token is asked for. */
  accountId: string;
  /** The trusted client address, for the Change History. */
  address: string | null;
  now?: Date;
}

/** Why an exchange was refused, for the log (never the token). */
export type RefusalReason =
  | 'malformed_token'
  | 'untrusted_issuer'
  | ExternalFailure
  | 'rule_mismatch'
  | 'account_disabled'
  | 'account_expired'
  | 'account_revoked';

export interface ExchangeContext {
  issuer: string | null;
  subject: string | null;
  accountId: string;
}

export type ExchangeResult =
  | ({ ok: true; accessToken: string; expiresIn: number; userId: string; ruleId: string } & ExchangeContext)
  | ({
      ok: false;
      status: 401 | 503;
      error: 'invalid_grant' | 'temporarily_unavailable';
      /** For the caller: what to fix, in words that reveal no rule. */
      description: string;
      reason: RefusalReason;
      /** For the log: which condition failed, which key was missing, … */
      detail: string;
    } & ExchangeContext);

// One answer for "no such account", "issuer not trusted" and "no rule for it": an anonymous
// caller must not learn which accounts exist or which issuers they trust.
const NOT_TRUSTED = 'The subject token’s issuer is not trusted for this service account.';

const DESCRIPTIONS: Record<ExternalFailure, string> = {
  malformed: 'The subject token is malformed.',
  expired: 'The subject token has expired.',
  not_yet_valid: 'The subject token is not valid yet.',
  audience: 'The subject token is for another audience than the one this issuer is trusted with.',
  signature: 'The subject token’s signature does not verify with the issuer’s published keys.',
  claims: 'The subject token’s claims are not acceptable.',
  keys_unavailable: 'The issuer’s keys could not be fetched. Try again later.',
};

/** Claims worth keeping in the Change History besides those the rule tested (what ran, where). */
const CONTEXT_CLAIMS = [
  'repository',
  'ref',
  'sha',
  'workflow',
  'job_workflow_ref',
  'run_id',
  'run_attempt',
  'actor',
  'environment',
  'project_path',
  'pipeline_id',
  'job_id',
];
const MAX_KEPT = 200;

function keptClaims(claims: Record<string, unknown>, names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = claims[n];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[n] = String(v).slice(0, MAX_KEPT);
  }
  return out;
}

export async function exchangeToken(input: ExchangeInput): Promise<ExchangeResult> {
  const now = input.now ?? new Date();
  const peeked = peekIssuer(input.subjectToken);
  const ctx: ExchangeContext = {
    issuer: peeked?.iss.slice(0, MAX_KEPT) ?? null,
    subject: peeked?.sub?.slice(0, MAX_KEPT) ?? null,
    accountId: input.accountId,
  };
  const refuse = (reason: RefusalReason, description: string, detail = description): ExchangeResult => ({
    ok: false,
    status: 401,
    error: 'invalid_grant',
    description,
    reason,
    detail,
    ...ctx,
  });
  if (!peeked) return refuse('malformed_token', 'The subject token is not a JWT that names its issuer.');

  const prisma = await getPrisma();
  const account = await prisma.serviceAccount.findUnique({
    where: { id: input.accountId },
    select: {
      id: true,
      userId: true,
      namespaceId: true,
      disabled: true,
      expiresAt: true,
      trustRules: {
        where: { issuer: { issuerUrl: peeked.iss } },
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          conditions: true,
          maxLifetimeSec: true,
          issuer: {
            select: {
              id: true,
              name: true,
              namespaceId: true,
              issuerUrl: true,
              audience: true,
              jwksUrl: true,
              maxLifetimeSec: true,
            },
          },
        },
      },
    },
  });
  if (!account) return refuse('untrusted_issuer', NOT_TRUSTED, 'no such service account');
  // An issuer applies to accounts in its namespace and below (checked now: namespaces move).
  const lineage = new Set(pathTo(await namespaceTree(), account.namespaceId).map((n) => n.id));
  const rules = account.trustRules.filter((r) => lineage.has(r.issuer.namespaceId));
  if (!rules.length) return refuse('untrusted_issuer', NOT_TRUSTED, 'no trust rule of this account names this issuer');

  // The same issuer URL may be trusted with several audiences (in several namespaces):
  // the token is verified per issuer record, and only that record's rules may match it.
  const policy = { allowHttpLocalhost: config.federationAllowHttpLocalhost };
  const candidates = rules.map((r) => ({ ...r, test: compileRuleConditions(r.conditions) }));
  const found = await matchTrustRules(input.subjectToken, candidates, policy, now, { firstOnly: true });
  if (!found.ok) {
    if (found.reason === 'rule_mismatch')
      return refuse(
        'rule_mismatch',
        'The subject token’s claims meet no trust rule of this service account.',
        found.detail,
      );
    // Every issuer record refused the token: its keys, if they could not be fetched, else why.
    const result = refuse(found.reason, DESCRIPTIONS[found.reason], found.detail);
    return found.reason === 'keys_unavailable' && !result.ok
      ? { ...result, status: 503, error: 'temporarily_unavailable' }
      : result;
  }
  const matched = found.matches[0]!;

  // Only now, to a caller the account trusts, does the account's own state show.
  if (account.disabled) return refuse('account_disabled', 'The service account is disabled.');
  const leftSec = account.expiresAt ? Math.floor((account.expiresAt.getTime() - now.getTime()) / 1000) : Infinity;
  if (leftSec <= 0) return refuse('account_expired', 'The service account has expired.');

  const { rule, claims } = matched;
  const lifetimeSec = Math.min(MAX_EXCHANGED_LIFETIME_SEC, rule.maxLifetimeSec, rule.issuer.maxLifetimeSec, leftSec);
  const expiresAt = new Date(now.getTime() + lifetimeSec * 1000);
  // Read before the transaction: on the embedded database it holds the only connection.
  const issue = await accountTokenIssuer();

  // Recorded in the Change History; an exchange changes nothing the verify path reads, so
  // the state version stays where it is (token_exchange is not verify state).
  const recorded = await mutate(async (m) => {
    const still = await m.tx.serviceAccount.findUnique({
      where: { id: account.id },
      select: { disabled: true, generation: true },
    });
    if (!still || still.disabled) return null; // revoked or disabled meanwhile: hand nothing out
    const conditionClaims = parseClaimConditions(rule.conditions).map((c) => c.claim);
    await m.record(
      { workload: `${ctx.subject ?? '?'} (${rule.issuer.name})`, address: input.address },
      about('token_exchange', account.id, account.namespaceId).created({
        serviceAccountId: account.id,
        userId: account.userId,
        issuer: rule.issuer.issuerUrl,
        issuerName: rule.issuer.name,
        subject: ctx.subject,
        ruleId: rule.id,
        claims: keptClaims(claims, new Set([...conditionClaims, ...CONTEXT_CLAIMS])),
        expiresAt,
      }),
    );
    return still.generation;
  });
  if (recorded === null) return refuse('account_revoked', 'The service account was revoked or disabled.');
  // The generation as the transaction read it: a token of the current one, even right after a rotation.
  const accessToken = await issue({ id: account.id, userId: account.userId, generation: recorded }, { expiresAt, now });
  return {
    ok: true,
    accessToken,
    expiresIn: lifetimeSec,
    userId: account.userId,
    ruleId: rule.id,
    ...ctx,
  };
}
