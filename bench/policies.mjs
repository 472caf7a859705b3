// The policy path's route, shared by bench/verify.mjs (over HTTP) and bench/core.ts (the
// decision core alone).
// The policy path: a route carrying 10 policies of several criteria, all of which let
// bench-bot's GET through (allows match, denies do not), so every one is evaluated.
export const BENCH_HOST = 'app.bench.invalid';
export const BENCH_POLICIES = {
  'p01-user-and-method':
    'allow:\n  and:\n    - user:\n        is: bench-bot\n    - http_method:\n        in: [GET, HEAD]\n',
  'p02-no-admin': 'deny:\n  or:\n    - http_path:\n        starts_with: /admin\n',
  'p03-ip-or-user': 'allow:\n  or:\n    - source_ip: 10.0.0.0/8\n    - user:\n        in: [bench-bot, other-bot]\n',
  'p04-no-evil-mail': 'deny:\n  or:\n    - email:\n        ends_with: "@evil.example"\n',
  'p05-any-day': 'allow:\n  and:\n    - day_of_week: "*"\n    - authenticated_user: true\n',
  'p06-not-before-2000': 'deny:\n  or:\n    - date:\n        before: "2000-01-01T00:00:00Z"\n',
  'p07-group-or-prefix':
    'allow:\n  or:\n    - groups:\n        has: admins\n    - user:\n        starts_with: bench-\n',
  'p08-authenticated': 'deny:\n  not:\n    - authenticated_user: true\n',
  'p09-nor': 'allow:\n  nor:\n    - http_method:\n        is: DELETE\n    - http_path:\n        contains: /secret\n',
  'p10-no-php-or-trace':
    'deny:\n  or:\n    - http_path:\n        ends_with: .php\n    - http_method:\n        in: [TRACE, CONNECT]\n    - time_of_day:\n        timezone: UTC\n        after: "03:00:00"\n        before: "03:00:01"\n',
};
