import { describe, it, expect } from 'vitest';
import { anchored, compileClaimConditions, describeClaimCondition, parseClaimConditions, PolicyError } from './index';

const github = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:acme/api:ref:refs/heads/main',
  repository: 'acme/api',
  repository_owner: 'acme',
  ref: 'refs/heads/main',
  run_attempt: 1,
  runner_environment: 'github-hosted',
  nested: { env: 'prod' },
  list: ['a'],
};

const holds = (conditions: unknown, claims: Record<string, unknown> = github) =>
  compileClaimConditions(parseClaimConditions(conditions))(claims);

describe('trust rule claim conditions (PPL string matchers)', () => {
  it('holds only when every condition holds, and names the first that failed', () => {
    const rule = [
      { claim: 'repository', match: { is: 'acme/api' } },
      { claim: 'ref', match: { starts_with: 'refs/heads/main' } },
    ];
    expect(holds(rule)).toEqual({ ok: true });
    expect(holds(rule, { ...github, ref: 'refs/heads/feature' })).toEqual({
      ok: false,
      failed: 'ref starts_with "refs/heads/main"',
    });
    expect(holds(rule, { ...github, repository: 'evil/api' }).ok).toBe(false);
  });

  it('speaks every PPL string matcher, and a bare string means is', () => {
    const cases: [unknown, boolean][] = [
      ['acme/api', true],
      [{ is: 'acme/ap' }, false],
      [{ starts_with: 'acme/' }, true],
      [{ ends_with: '/api' }, true],
      [{ contains: 'me/a' }, true],
      [{ in: ['x/y', 'acme/api'] }, true],
      [{ not_in: ['acme/api'] }, false],
      [{ not: 'acme/web' }, true],
      [{ starts_with: 'acme/', not: 'acme/api' }, false],
    ];
    for (const [match, expected] of cases)
      expect(holds([{ claim: 'repository', match }]).ok, JSON.stringify(match)).toBe(expected);
  });

  it('fails closed on a missing or structured claim, even for not; numbers and nested claims compare by text', () => {
    expect(holds([{ claim: 'environment', match: { not: 'prod' } }]).ok).toBe(false);
    expect(holds([{ claim: 'list', match: { is: 'a' } }]).ok).toBe(false);
    expect(holds([{ claim: 'nested', match: { not: 'x' } }]).ok).toBe(false);
    expect(holds([{ claim: 'run_attempt', match: { is: '1' } }]).ok).toBe(true);
    expect(holds([{ claim: 'nested.env', match: { is: 'prod' } }]).ok).toBe(true);
  });

  it('refuses what is not a condition list, naming the place', () => {
    const bad: [unknown, string][] = [
      [[], 'needs at least one condition'],
      ['x', 'expected a list of conditions'],
      [[{ claim: 'has space', match: 'x' }], '[0].claim'],
      [[{ claim: 'ref', match: { regex: '.*' } }], 'unknown matcher "regex"'],
      [[{ claim: 'ref', match: {} }], 'needs at least one matcher'],
      [[{ claim: 'ref', match: { in: [] } }], 'needs at least one value'],
      [Array.from({ length: 17 }, () => ({ claim: 'ref', match: 'x' })), 'more than 16'],
    ];
    for (const [value, message] of bad) {
      expect(() => parseClaimConditions(value)).toThrow(PolicyError);
      expect(() => parseClaimConditions(value)).toThrow(message);
    }
  });

  it('describes conditions in the words of policy explanations, and knows an anchored rule', () => {
    const [a, b] = parseClaimConditions([
      { claim: 'ref', match: { not: 'refs/heads/dev', starts_with: 'refs/heads/' } },
      { claim: 'repository', match: { in: ['acme/api', 'acme/web'] } },
    ]);
    expect(describeClaimCondition(a!)).toBe('ref starts_with "refs/heads/" and not "refs/heads/dev"');
    expect(describeClaimCondition(b!)).toBe('repository in ["acme/api", "acme/web"]');
    expect(anchored([a!])).toBe(true);
    expect(anchored(parseClaimConditions([{ claim: 'repository', match: { ends_with: '/api' } }]))).toBe(false);
  });
});
