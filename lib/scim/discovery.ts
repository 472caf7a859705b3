// The static discovery documents (RFC 7644 §4): what this service provider supports.
import { MAX_COUNT } from '@/lib/scim/list';
import { GROUP_SCHEMA, URN, USER_SCHEMA, type AttrDef, type ResourceSchema } from '@/lib/scim/schema';

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [URN.serviceProviderConfig],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, '')}/directory`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        primary: true,
        description:
          'A SCIM token created under Directory in the Postern console, sent as Authorization: Bearer <token>.',
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

const RESOURCE_TYPES = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'Directory users that service accounts may impersonate',
    schema: URN.user,
  },
  {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Directory groups, used by policies and grants',
    schema: URN.group,
  },
];

export function resourceType(id: string, baseUrl: string) {
  const t = RESOURCE_TYPES.find((r) => r.id === id);
  return (
    t && {
      schemas: [URN.resourceType],
      ...t,
      ...(t.id === 'User' ? { schemaExtensions: [] } : {}),
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${t.id}` },
    }
  );
}

export const resourceTypes = (baseUrl: string) => RESOURCE_TYPES.map((t) => resourceType(t.id, baseUrl)!);

function attribute(a: AttrDef): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type,
    multiValued: !!a.multi,
    description: a.description,
    required: !!a.required,
    caseExact: !!a.caseExact,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: a.unique ? 'server' : 'none',
    ...(a.sub ? { subAttributes: a.sub.map(attribute) } : {}),
    ...(a.type === 'reference' ? { referenceTypes: ['User'] } : {}),
  };
}

function schemaDoc(s: ResourceSchema, baseUrl: string) {
  return {
    schemas: [URN.schema],
    id: s.urn,
    name: s.name,
    description: `${s.name} resources as Postern stores them`,
    attributes: s.attrs.map(attribute),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.urn}` },
  };
}

export const schemaDocs = (baseUrl: string) => [USER_SCHEMA, GROUP_SCHEMA].map((s) => schemaDoc(s, baseUrl));

export function schemaDocById(id: string, baseUrl: string) {
  const s = [USER_SCHEMA, GROUP_SCHEMA].find((x) => x.urn.toLowerCase() === id.toLowerCase());
  return s && schemaDoc(s, baseUrl);
}
