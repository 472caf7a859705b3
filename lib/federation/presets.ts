// The kinds of trusted issuer the console offers, with what each platform's tokens look
// like. Client-safe: the forms read it to prefill and to suggest claims.

export const ISSUER_KINDS = ['github', 'gitlab', 'kubernetes', 'oidc'] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];

export interface IssuerPreset {
  label: string;
  /** The issuer URL to prefill; '' when each installation has its own. */
  issuerUrl: string;
  /** Where the expected audience comes from, for the form's hint. */
  audienceHint: string;
  /** Claims worth writing conditions on, most useful first. */
  claims: readonly string[];
  /** A first condition the rule form proposes. */
  example: { claim: string; matcher: 'is' | 'starts_with'; value: string };
}

export const ISSUER_PRESETS: Record<IssuerKind, IssuerPreset> = {
  github: {
    label: 'GitHub Actions',
    issuerUrl: 'https://token.actions.githubusercontent.com',
    audienceHint:
      'the audience the job asks for (core.getIDToken(audience), or &audience= on ACTIONS_ID_TOKEN_REQUEST_URL)',
    claims: [
      'repository',
      'ref',
      'sub',
      'repository_owner',
      'environment',
      'workflow',
      'job_workflow_ref',
      'ref_type',
      'event_name',
      'actor',
      'repository_id',
      'repository_owner_id',
    ],
    example: { claim: 'repository', matcher: 'is', value: 'acme/api' },
  },
  gitlab: {
    label: 'GitLab CI',
    issuerUrl: 'https://gitlab.com',
    audienceHint: 'the aud of the job’s id_tokens entry in .gitlab-ci.yml',
    claims: [
      'project_path',
      'ref',
      'ref_type',
      'ref_protected',
      'namespace_path',
      'environment',
      'pipeline_source',
      'sub',
      'user_login',
    ],
    example: { claim: 'project_path', matcher: 'is', value: 'acme/api' },
  },
  kubernetes: {
    label: 'Kubernetes service accounts',
    issuerUrl: '',
    audienceHint: 'the audience of the projected service-account token (serviceAccountToken.audience)',
    claims: ['sub', 'kubernetes.io.namespace', 'kubernetes.io.serviceaccount.name'],
    example: { claim: 'sub', matcher: 'is', value: 'system:serviceaccount:ci:deployer' },
  },
  oidc: {
    label: 'Other OIDC issuer',
    issuerUrl: '',
    audienceHint: 'the aud the issuer puts in tokens meant for Postern',
    claims: ['sub', 'email', 'azp'],
    example: { claim: 'sub', matcher: 'is', value: '' },
  },
};

/** What an exchanged token may live at most, whatever an issuer or rule says: one hour. */
export const MAX_EXCHANGED_LIFETIME_SEC = 3600;
export const MIN_EXCHANGED_LIFETIME_SEC = 60;

export const LIFETIME_CHOICES = [
  { value: 3600, label: '1 hour' },
  { value: 1800, label: '30 minutes' },
  { value: 900, label: '15 minutes' },
  { value: 300, label: '5 minutes' },
] as const;

export const lifetimeLabel = (sec: number) =>
  LIFETIME_CHOICES.find((c) => c.value === sec)?.label ?? (sec % 60 === 0 ? `${sec / 60} minutes` : `${sec} seconds`);
