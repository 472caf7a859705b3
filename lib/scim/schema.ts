// The SCIM attributes Postern understands (RFC 7643), as data: PATCH resolution, body
// canonicalization and the /Schemas document all read these definitions.

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export interface AttrDef {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference';
  multi?: boolean;
  required?: boolean;
  /** Compared case-sensitively (RFC 7643 caseExact). */
  caseExact?: boolean;
  unique?: boolean;
  sub?: AttrDef[];
  description: string;
}

export interface ResourceSchema {
  urn: string;
  name: string;
  attrs: AttrDef[];
  /**
   * Lower-cased names of standard attributes accepted and dropped: IdPs send them with
   * default mappings (Entra: title, preferredLanguage, addresses...), so refusing them
   * would break provisioning. Attributes outside the schema are refused in PATCH paths.
   */
  ignored: ReadonlySet<string>;
  /** Extension schemas whose attributes are accepted and dropped. */
  ignoredExtensions: readonly string[];
}

const str = (name: string, description: string, extra: Partial<AttrDef> = {}): AttrDef => ({
  name,
  type: 'string',
  description,
  ...extra,
});
const bool = (name: string, description: string): AttrDef => ({ name, type: 'boolean', description });
/** What every resource here starts with: its unique name, and the IdP's own id for it (kept exactly as sent). */
const identity = (what: string, nameAttr: string, description: string): AttrDef[] => [
  str(nameAttr, description, { required: true, unique: true }),
  str('externalId', `The identity provider's identifier for the ${what}.`, { caseExact: true }),
];

export const USER_SCHEMA: ResourceSchema = {
  urn: URN.user,
  name: 'User',
  attrs: [
    ...identity('user', 'userName', 'Unique identifier for the user, typically the sign-in name.'),
    bool('active', 'Inactive users stay in the directory; service accounts impersonating them are refused.'),
    str('displayName', 'The name shown for the user (stored as the directory name).'),
    {
      name: 'name',
      type: 'complex',
      description: "The user's name; formatted, or givenName and familyName, becomes the directory name.",
      sub: [
        str('formatted', 'The full name.'),
        str('givenName', 'Given name.'),
        str('familyName', 'Family name.'),
        str('middleName', 'Middle name (not stored).'),
        str('honorificPrefix', 'Prefix (not stored).'),
        str('honorificSuffix', 'Suffix (not stored).'),
      ],
    },
    {
      name: 'emails',
      type: 'complex',
      multi: true,
      description: 'The primary (or first) address becomes the directory email.',
      sub: [
        str('value', 'The address.'),
        str('type', 'work, home or other.'),
        bool('primary', 'The preferred address.'),
        str('display', 'Display label.'),
      ],
    },
  ],
  ignored: new Set([
    'id',
    'meta',
    'schemas',
    'groups',
    'password',
    'nickname',
    'profileurl',
    'title',
    'usertype',
    'preferredlanguage',
    'locale',
    'timezone',
    'phonenumbers',
    'ims',
    'photos',
    'addresses',
    'entitlements',
    'roles',
    'x509certificates',
  ]),
  ignoredExtensions: [URN.enterpriseUser],
};

export const GROUP_SCHEMA: ResourceSchema = {
  urn: URN.group,
  name: 'Group',
  attrs: [
    ...identity('group', 'displayName', 'The group name that policies and grants refer to.'),
    {
      name: 'members',
      type: 'complex',
      multi: true,
      description: 'Member users, by id.',
      sub: [
        str('value', 'The id of a member user.', { caseExact: true }),
        { name: '$ref', type: 'reference', description: 'The URI of the member.' },
        str('display', 'The name of the member.'),
        str('type', 'User (groups cannot be members).'),
      ],
    },
  ],
  ignored: new Set(['id', 'meta', 'schemas']),
  ignoredExtensions: [],
};

export const findAttr = (defs: readonly AttrDef[] | undefined, name: string) =>
  defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());
