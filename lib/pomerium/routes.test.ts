import { describe, expect, it } from 'vitest';
import { evaluatePolicies, parsePolicy, type PolicyRequest } from '@/lib/policy';
import { exportPomeriumRoutes, pomeriumIncompatibility, type ExportRoute } from './export-routes';
import { ImportError, planPomeriumImport, type ImportPlan } from './import-routes';

const decide = (plan: ImportPlan, routeIndex: number, req: PolicyRequest) => {
  const r = plan.routes.find((x) => x.index === routeIndex)!;
  const policies = r.policies.map((n) => parsePolicy(plan.policies.find((p) => p.name === n)!.ppl));
  return evaluatePolicies(policies, req).allowed;
};
const user = (id: string, email?: string): PolicyRequest => ({ user: { id, email }, method: 'GET', path: '/' });

const FILE = `
# A Pomerium config with other settings around the routes
authenticate_service_url: https://authenticate.example.com
routes:
  - from: https://billing.example.com
    to: http://billing:8080
    allowed_users: [ci@ns.pomerium, alice@corp.example]
    timeout: 30s
    pass_identity_headers: true
  - name: Reports
    from: https://reports.example.com
    prefix: /v1/
    to: ["http://r1:80,10", "http://r2:80,20"]
    policy:
      allow:
        and:
          - domain: {is: corp.example}
          - http_method: {in: [GET]}
  - from: https://public.example.com
    to: http://pub
    allow_public_unauthenticated_access: true
    cors_allow_preflight: true
  - from: tcp+https://db.example.com:5432
    to: tcp://db:5432
  - from: http://plain.example.com
    to: http://plain
  - from: https://old.example.com
    path: /exact
    to: http://old
  - from: https://redirect.example.com
    redirect: {host_redirect: example.com}
  - from: https://device.example.com
    to: http://d
    policy:
      allow:
        and:
          - device: {is: x}
  - from: https://groups.example.com
    to: http://g
    allowed_domains: [corp.example]
    allow_any_authenticated_user: false
    allowed_idp_claims: {groups: [admins, ops]}
    sub_policies:
      - allowed_users: [bob@corp.example]
`;

describe('planPomeriumImport', () => {
  const plan = planPomeriumImport(FILE);

  it('imports what it can and says why it skips the rest', () => {
    expect(plan.routes.map((r) => r.from)).toEqual([
      'https://billing.example.com',
      'https://reports.example.com/v1',
      'https://public.example.com',
      'https://groups.example.com',
    ]);
    expect(plan.skipped.map((s) => [s.index, s.reason])).toEqual([
      [4, expect.stringMatching(/tcp\+https: TCP\/UDP tunnels are not HTTP requests/)],
      [5, expect.stringMatching(/plain http: Postern routes are https only/)],
      [6, expect.stringMatching(/matches by "path"/)],
      [7, expect.stringMatching(/no "to" upstream/)],
      [8, expect.stringMatching(/criterion "device" is a Pomerium feature that Postern does not support/)],
    ]);
  });

  it('lists the options it ignores by name, and notes changes of meaning', () => {
    expect(plan.routes[0]!.ignored).toEqual(['timeout', 'pass_identity_headers']);
    expect(plan.routes[1]!.notes.join(' ')).toMatch(/weights .* dropped/);
    expect(plan.routes[1]!.notes.join(' ')).toMatch(/prefix \/v1\/ becomes \/v1/);
    expect(plan.routes[1]!.to).toEqual(['http://r1:80', 'http://r2:80']);
    expect(plan.routes[1]!.name).toBe('Reports');
  });

  it('turns allowed_users into user is X or email is X, as Pomerium does', () => {
    expect(plan.policies.find((p) => p.name === 'billing.example.com')!.ppl).toBe(
      'allow:\n  or:\n    - user:\n        is: ci@ns.pomerium\n    - email:\n        is: ci@ns.pomerium\n    - user:\n        is: alice@corp.example\n    - email:\n        is: alice@corp.example\n',
    );
    expect(decide(plan, 1, user('ci@ns.pomerium'))).toBe(true);
    expect(decide(plan, 1, user('u1', 'alice@corp.example'))).toBe(true);
    expect(decide(plan, 1, user('u2', 'mallory@corp.example'))).toBe(false);
  });

  it('keeps the PPL policy as written', () => {
    expect(decide(plan, 2, user('u', 'a@corp.example'))).toBe(true);
    expect(decide(plan, 2, { ...user('u', 'a@corp.example'), method: 'POST' })).toBe(false);
    expect(decide(plan, 2, user('u', 'a@evil.example'))).toBe(false);
  });

  it('public access and CORS preflight become accept and cors_preflight', () => {
    expect(plan.policies.find((p) => p.name === 'public.example.com')!.ppl).toBe(
      'allow:\n  or:\n    - accept: true\n    - cors_preflight: true\n',
    );
    expect(decide(plan, 3, { user: null })).toBe(true);
  });

  it('domains, IdP claims and sub_policies users', () => {
    expect(decide(plan, 9, user('u', 'x@corp.example'))).toBe(true);
    expect(decide(plan, 9, { user: { id: 'u', email: 'x@o.io', claims: { groups: ['ops'] } } })).toBe(true);
    expect(decide(plan, 9, user('u', 'bob@corp.example'))).toBe(true);
    expect(decide(plan, 9, user('u', 'x@o.io'))).toBe(false);
  });

  it('reads a single route, a legacy top-level policy list, and refuses what is not a config', () => {
    expect(
      planPomeriumImport('from: https://a.example.com\nto: http://a\nallow_any_authenticated_user: true\n').routes,
    ).toHaveLength(1);
    expect(planPomeriumImport('policy:\n  - from: https://a.example.com\n    to: http://a\n').routes).toHaveLength(1);
    const single = planPomeriumImport(
      'from: https://a.example.com\nto: http://a\npolicy:\n  allow: {or: [{accept: true}]}\n',
    );
    expect(single.routes[0]!.policies).toHaveLength(1);
    expect(() => planPomeriumImport('')).toThrow(ImportError);
    expect(() => planPomeriumImport('foo: [')).toThrow(/not valid YAML/);
    expect(() => planPomeriumImport('idp_provider: google\n')).toThrow(/No routes found/);
  });

  it('a route without access options or policy gets no policy (it allows nobody, as in Pomerium)', () => {
    const p = planPomeriumImport('routes:\n  - from: https://a.example.com\n    to: http://a\n');
    expect(p.routes[0]!.policies).toEqual([]);
    expect(p.policies).toEqual([]);
  });
});

describe('export and import again', () => {
  const routes: ExportRoute[] = [
    {
      name: 'api',
      host: 'api.example.com',
      pathPrefix: '/v1',
      to: ['http://a:1', 'http://a:2'],
      policies: [
        { name: 'No admin', enforced: true, ppl: 'deny:\n  or:\n    - http_path:\n        starts_with: /v1/admin\n' },
        {
          name: 'CI only',
          enforced: false,
          ppl: 'allow:\n  and:\n    - user:\n        is: ci@x\n    - time_of_day:\n        timezone: UTC\n        after: "9:00"\n',
        },
      ],
    },
    {
      name: 'web',
      host: 'web.example.com:8443',
      pathPrefix: '/',
      to: ['https://w'],
      policies: [
        { name: 'No admin', enforced: true, ppl: 'deny:\n  or:\n    - http_path:\n        starts_with: /v1/admin\n' },
        {
          name: 'mTLS',
          enforced: false,
          ppl: `allow:\n  or:\n    - client_certificate:\n        fingerprint:\n          - ${'ab'.repeat(32)}\n`,
        },
      ],
    },
    { name: 'closed', host: 'c.example.com', pathPrefix: '/', to: ['http://c'], policies: [] },
  ];

  it('recreates the same routes and policies', () => {
    const { text, exported, notExported } = exportPomeriumRoutes(routes, { namespace: 'Eng', at: new Date() });
    expect(exported).toBe(3);
    expect(notExported).toEqual([]);
    const plan = planPomeriumImport(text);
    expect(plan.skipped).toEqual([]);
    expect(
      plan.routes.map((r) => ({
        name: r.name,
        host: r.host,
        pathPrefix: r.pathPrefix,
        to: r.to,
        policies: r.policies,
      })),
    ).toEqual(
      routes.map((r) => ({
        name: r.name,
        host: r.host,
        pathPrefix: r.pathPrefix,
        to: r.to,
        policies: r.policies.map((p) => p.name),
      })),
    );
    const unique = [...new Map(routes.flatMap((r) => r.policies).map((p) => [p.name, p])).values()];
    expect(plan.policies).toEqual(unique);
  });

  it('lists a policy that uses a Postern extension as not exportable and leaves its routes out', () => {
    const tz = {
      name: 'Weekdays in Paris',
      enforced: false,
      ppl: 'allow:\n  or:\n    - day_of_week:\n        is: mon-fri\n        timezone: Europe/Paris\n',
    };
    const nested = {
      name: 'Nested',
      enforced: false,
      ppl: 'allow:\n  or:\n    - and:\n        - user: {is: a}\n        - email: {is: b}\n',
    };
    const { text, notExported } = exportPomeriumRoutes(
      [
        { ...routes[2]!, name: 'paris', policies: [tz] },
        { ...routes[2]!, name: 'nested', host: 'n.example.com', policies: [nested] },
        routes[0]!,
      ],
      { namespace: 'Eng', at: new Date() },
    );
    expect(notExported).toEqual([
      {
        route: 'paris',
        reason:
          'policy "Weekdays in Paris" is not exportable: allow.or[0].day_of_week: a day_of_week time zone (a Postern extension; Pomerium uses UTC)',
      },
      {
        route: 'nested',
        reason:
          'policy "Nested" is not exportable: allow.or[0]: an operator group nested in a list (a Postern extension)',
      },
    ]);
    expect(planPomeriumImport(text).routes.map((r) => r.name)).toEqual(['api']);
    expect(pomeriumIncompatibility(parsePolicy('allow: {or: [{day_of_week: mon-fri}]}'))).toBeNull();
  });

  it('writes a file Pomerium reads: from without a path, prefix, and a policy list of allow/deny rules', () => {
    const { text } = exportPomeriumRoutes(routes, { namespace: 'Eng', at: new Date() });
    expect(text).toMatch(/- name: api\n {4}from: https:\/\/api\.example\.com\n {4}prefix: \/v1\n/);
    expect(text).toContain('after: "9:00"');
    expect(text).not.toMatch(/kind:/);
  });
});
