import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  apiKeyResource,
  apiKeyWithKey,
  directoryGroupResource,
  directoryUserResource,
  grantResource,
  historyEntryResource,
  namespaceResource,
  pageOfResource,
  policyResource,
  problemResource,
  routeResource,
  serviceAccountResource,
  serviceAccountWithToken,
} from '@/lib/api/resources';
import {
  createPolicyDoc,
  directoryUsersQuery,
  historyQueryDoc,
  namespaceScopedQuery,
  namespacesQuery,
  pagingQuery,
  patchPolicyDoc,
  patchRouteDoc,
  patchServiceAccountSchema,
  policiesQuery,
  rotateBodyDoc,
  serviceAccountsQuery,
} from '@/lib/api/inputs';
import { createNamespaceSchema, namespaceNameSchema } from '@/lib/schemas/namespace';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { createRouteSchema } from '@/lib/schemas/route';
import { addGrantSchema } from '@/lib/schemas/grant';
import { createApiKeySchema } from '@/lib/schemas/api-key';

// The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the handlers
// validate with and answer by (lib/schemas/*, lib/api/inputs.ts, lib/api/resources.ts).
// tests/api-openapi.test.ts checks that every route handler under app/api/v1 is here with
// each method it exports, or in DOCUMENTED_ELSEWHERE with the reason.

/** Route handlers under app/api/v1 that are not part of this document, and where they are described. */
export const DOCUMENTED_ELSEWHERE: Record<string, string> = {
  '/verify':
    'the proxies’ verification endpoints: README “The verification endpoints” (answers are proxy-specific, not JSON resources)',
  '/verify/{path}': 'the token-only verify endpoint with a path: README “The verification endpoints”',
  '/verify/auth-request': 'nginx auth_request: README “nginx (auth_request)”',
  '/verify/forward-auth': 'Traefik/Caddy forward auth: README “Traefik”/“Caddy”',
  '/verify/ext-authz': 'Envoy ext_authz: README “Envoy (ext_authz, HTTP service)”',
  '/verifier/snapshot':
    'the verifiers’ state feed (verifier credentials, not API keys): README “Scaling out: verifiers”',
  '/verifier/stream': 'the verifiers’ change stream: README “Scaling out: verifiers”',
  '/verifier/accessed': 'verifiers report account use: README “Scaling out: verifiers”',
  '/backup': 'the embedded database as a tarball, for BACKUP_TOKEN only (not API keys): README “Backup and restore”',
  '/token': 'OAuth 2.0 Token Exchange (RFC 8693, form-encoded, RFC 6749 errors): README “Workload identity”',
};

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemResource } },
});
const errors = {
  '400': problem('Invalid input: bad JSON or validation errors (field errors in `errors`).'),
  '401': problem('Missing, invalid, expired or revoked credential.'),
  '403': problem('The caller’s role does not allow this.'),
  '404': problem('No such resource (or namespace).'),
  '429': problem('Too many failed authentication attempts from this address (Retry-After).'),
};
const writeErrors = {
  ...errors,
  '409': problem('Conflict: a name or URL already taken, or something still in use.'),
  '413': problem('The body is larger than 1 MB.'),
  '415': problem('The body is not application/json.'),
};
const ifMatchErrors = {
  ...writeErrors,
  '412': problem('If-Match names a version the resource no longer has: nothing changed.'),
};

const etagHeader = {
  ETag: { description: 'The resource version, for If-Match.', schema: { type: 'string' as const } },
};
const ok = (description: string, schema: z.ZodType, withEtag = false) => ({
  description,
  content: json(schema),
  ...(withEtag ? { headers: etagHeader } : {}),
});
const noContent = { description: 'Done.' };
const ifMatch = z.object({
  'if-match': z
    .string()
    .optional()
    .meta({ description: 'The ETag you read: a stale one answers 412 and changes nothing.' }),
});
const pathId = (what: string) => z.object({ id: z.string().meta({ description: `The ${what}'s id.` }) });

const op = (o: ZodOpenApiOperationObject): ZodOpenApiOperationObject => o;

const paths: ZodOpenApiPathsObject = {
  '/namespaces': {
    get: op({
      operationId: 'listNamespaces',
      tags: ['Namespaces'],
      summary: 'Namespaces the caller holds a role on',
      requestParams: { query: namespacesQuery },
      responses: { '200': ok('A page of namespaces.', pageOfResource(namespaceResource, 'NamespacePage')), ...errors },
    }),
    post: op({
      operationId: 'createNamespace',
      tags: ['Namespaces'],
      summary: 'Create a namespace (Manager of the parent)',
      requestBody: { content: json(createNamespaceSchema) },
      responses: { '201': ok('Created.', namespaceResource, true), ...writeErrors },
    }),
  },
  '/namespaces/{id}': {
    get: op({
      operationId: 'getNamespace',
      tags: ['Namespaces'],
      requestParams: { path: pathId('namespace') },
      responses: { '200': ok('The namespace.', namespaceResource, true), ...errors },
    }),
    patch: op({
      operationId: 'renameNamespace',
      tags: ['Namespaces'],
      requestParams: { path: pathId('namespace'), header: ifMatch },
      requestBody: { content: json(namespaceNameSchema) },
      responses: { '200': ok('Renamed.', namespaceResource, true), ...ifMatchErrors },
    }),
    delete: op({
      operationId: 'deleteNamespace',
      tags: ['Namespaces'],
      summary: 'Delete an empty namespace',
      requestParams: { path: pathId('namespace'), header: ifMatch },
      responses: { '204': noContent, ...ifMatchErrors },
    }),
  },
  '/service-accounts': {
    get: op({
      operationId: 'listServiceAccounts',
      tags: ['Service accounts'],
      requestParams: { query: serviceAccountsQuery },
      responses: {
        '200': ok('A page of accounts.', pageOfResource(serviceAccountResource, 'ServiceAccountPage')),
        ...errors,
      },
    }),
    post: op({
      operationId: 'createServiceAccount',
      tags: ['Service accounts'],
      summary: 'Create an account; its JWT is in this answer only',
      requestBody: { content: json(createServiceAccountSchema) },
      responses: { '201': ok('Created, with the token.', serviceAccountWithToken, true), ...writeErrors },
    }),
  },
  '/service-accounts/{id}': {
    get: op({
      operationId: 'getServiceAccount',
      tags: ['Service accounts'],
      requestParams: { path: pathId('service account') },
      responses: { '200': ok('The account.', serviceAccountResource, true), ...errors },
    }),
    patch: op({
      operationId: 'updateServiceAccount',
      tags: ['Service accounts'],
      summary: 'Change the description, disable or enable',
      requestParams: { path: pathId('service account'), header: ifMatch },
      requestBody: { content: json(patchServiceAccountSchema) },
      responses: { '200': ok('Changed.', serviceAccountResource, true), ...ifMatchErrors },
    }),
  },
  '/service-accounts/{id}/revoke': {
    post: op({
      operationId: 'revokeServiceAccount',
      tags: ['Service accounts'],
      summary: 'Revoke: delete the account; none of its tokens verifies again',
      requestParams: { path: pathId('service account'), header: ifMatch },
      responses: {
        '200': ok('Revoked.', z.object({ id: z.string(), revoked: z.literal(true) })),
        ...ifMatchErrors,
      },
    }),
  },
  '/service-accounts/{id}/rotate': {
    post: op({
      operationId: 'rotateServiceAccount',
      tags: ['Service accounts'],
      summary: 'Issue the next token; the old one lives for the grace chosen',
      requestParams: { path: pathId('service account') },
      requestBody: { content: json(rotateBodyDoc) },
      responses: { '200': ok('Rotated, with the new token.', serviceAccountWithToken, true), ...writeErrors },
    }),
  },
  '/routes': {
    get: op({
      operationId: 'listRoutes',
      tags: ['Routes'],
      requestParams: { query: namespaceScopedQuery },
      responses: { '200': ok('A page of routes.', pageOfResource(routeResource, 'RoutePage')), ...errors },
    }),
    post: op({
      operationId: 'createRoute',
      tags: ['Routes'],
      requestBody: { content: json(createRouteSchema) },
      responses: { '201': ok('Created.', routeResource, true), ...writeErrors },
    }),
  },
  '/routes/{id}': {
    get: op({
      operationId: 'getRoute',
      tags: ['Routes'],
      requestParams: { path: pathId('route') },
      responses: { '200': ok('The route.', routeResource, true), ...errors },
    }),
    patch: op({
      operationId: 'updateRoute',
      tags: ['Routes'],
      summary: 'Change any of the route form’s fields',
      requestParams: { path: pathId('route'), header: ifMatch },
      requestBody: { content: json(patchRouteDoc) },
      responses: { '200': ok('Changed.', routeResource, true), ...ifMatchErrors },
    }),
    delete: op({
      operationId: 'deleteRoute',
      tags: ['Routes'],
      requestParams: { path: pathId('route'), header: ifMatch },
      responses: { '204': noContent, ...ifMatchErrors },
    }),
  },
  '/policies': {
    get: op({
      operationId: 'listPolicies',
      tags: ['Policies'],
      requestParams: { query: policiesQuery },
      responses: { '200': ok('A page of policies.', pageOfResource(policyResource, 'PolicyPage')), ...errors },
    }),
    post: op({
      operationId: 'createPolicy',
      tags: ['Policies'],
      requestBody: { content: json(createPolicyDoc) },
      responses: { '201': ok('Created.', policyResource, true), ...writeErrors },
    }),
  },
  '/policies/{id}': {
    get: op({
      operationId: 'getPolicy',
      tags: ['Policies'],
      requestParams: { path: pathId('policy') },
      responses: { '200': ok('The policy.', policyResource, true), ...errors },
    }),
    patch: op({
      operationId: 'updatePolicy',
      tags: ['Policies'],
      requestParams: { path: pathId('policy'), header: ifMatch },
      requestBody: { content: json(patchPolicyDoc) },
      responses: { '200': ok('Changed.', policyResource, true), ...ifMatchErrors },
    }),
    delete: op({
      operationId: 'deletePolicy',
      tags: ['Policies'],
      requestParams: { path: pathId('policy'), header: ifMatch },
      responses: { '204': noContent, ...ifMatchErrors },
    }),
  },
  '/grants': {
    get: op({
      operationId: 'listGrants',
      tags: ['Grants'],
      requestParams: { query: namespaceScopedQuery },
      responses: { '200': ok('A page of grants.', pageOfResource(grantResource, 'GrantPage')), ...errors },
    }),
    post: op({
      operationId: 'addGrant',
      tags: ['Grants'],
      summary: 'Grant a role to a console user, a directory group or a service account (Admin)',
      requestBody: { content: json(addGrantSchema) },
      responses: { '201': ok('Granted (or the role changed).', grantResource), ...writeErrors },
    }),
  },
  '/grants/{id}': {
    delete: op({
      operationId: 'removeGrant',
      tags: ['Grants'],
      requestParams: { path: pathId('grant') },
      responses: { '204': noContent, ...writeErrors },
    }),
  },
  '/directory/users': {
    get: op({
      operationId: 'listDirectoryUsers',
      tags: ['Directory'],
      requestParams: { query: directoryUsersQuery },
      responses: {
        '200': ok('A page of directory users.', pageOfResource(directoryUserResource, 'DirectoryUserPage')),
        ...errors,
      },
    }),
  },
  '/directory/groups': {
    get: op({
      operationId: 'listDirectoryGroups',
      tags: ['Directory'],
      requestParams: { query: pagingQuery },
      responses: {
        '200': ok('A page of directory groups.', pageOfResource(directoryGroupResource, 'DirectoryGroupPage')),
        ...errors,
      },
    }),
  },
  '/history': {
    get: op({
      operationId: 'listHistory',
      tags: ['Change History'],
      summary: 'Change History entries, newest first',
      requestParams: { query: historyQueryDoc },
      responses: {
        '200': ok('A page of entries.', pageOfResource(historyEntryResource, 'HistoryPage')),
        ...errors,
      },
    }),
  },
  '/api-keys': {
    get: op({
      operationId: 'listApiKeys',
      tags: ['API keys'],
      summary: 'The caller’s own API keys',
      requestParams: { query: pagingQuery },
      responses: { '200': ok('A page of keys.', pageOfResource(apiKeyResource, 'ApiKeyPage')), ...errors },
    }),
    post: op({
      operationId: 'createApiKey',
      tags: ['API keys'],
      summary: 'Create a key; it is in this answer only',
      requestBody: { content: json(createApiKeySchema) },
      responses: { '201': ok('Created, with the key.', apiKeyWithKey), ...writeErrors },
    }),
  },
  '/api-keys/{id}': {
    delete: op({
      operationId: 'revokeApiKey',
      tags: ['API keys'],
      requestParams: { path: pathId('API key') },
      responses: { '200': ok('Revoked.', apiKeyResource), ...errors },
    }),
  },
  '/openapi.json': {
    get: op({
      operationId: 'getOpenApiDocument',
      tags: ['Meta'],
      summary: 'This document (public)',
      security: [],
      responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': {} } } },
    }),
  },
};

let cached: ReturnType<typeof createDocument> | null = null;

/** The document; `serverUrl` is the console's public URL. */
export function openApiDocument(serverUrl: string) {
  cached ??= createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Postern REST API',
        version: '1',
        description:
          'Namespaces, service accounts, routes, policies, grants, the directory and the Change History. ' +
          'Authenticate with `Authorization: Bearer <API key or service-account JWT>`. Errors are RFC 9457 ' +
          'problem details; lists page with an opaque cursor; single resources carry an ETag, and PATCH/DELETE ' +
          'honour If-Match (412 when stale).',
      },
      servers: [{ url: '/api/v1' }],
      security: [{ bearer: [] }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A personal API key (postern_key_…) or a service account’s JWT with a console role.',
          },
        },
      },
      paths,
    },
    { allowEmptySchema: { custom: true } },
  );
  return { ...cached, servers: [{ url: `${serverUrl.replace(/\/+$/, '')}/api/v1` }] };
}
