// The API's resources as the CLI reads them (the contract in the README's "Automation" and
// /api/v1/openapi.json); fields the CLI does not use pass through to `--output json` untouched.

export interface Namespace {
  id: string;
  name: string;
  parentId: string | null;
  path: string;
}

export interface ServiceAccount {
  id: string;
  namespaceId: string;
  userId: string;
  directoryUserId: string | null;
  description: string;
  state: string;
  disabled: boolean;
  expiresAt: string | null;
  createdAt: string;
  lastAccessedAt: string | null;
}

export interface Route {
  id: string;
  namespaceId: string;
  name: string;
  from: string;
  to: string | string[];
  policyIds: string[];
}

export interface Policy {
  id: string;
  namespaceId: string;
  name: string;
  description: string;
  enforced: boolean;
  explanation: string;
  remediation: string;
  ppl: string;
}

export interface HistoryEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  namespaceId: string | null;
  summary: string | null;
  before: unknown;
  after: unknown;
}
