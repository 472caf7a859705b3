// GET /scim/v2/ResourceTypes: the User and Group resource types (RFC 7644 §6).
import { resourceTypes } from '@/lib/scim/discovery';
import { listResponse } from '@/lib/scim/list';
import { scimBaseUrl, scimJson, scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute(async () => {
  const types = resourceTypes(scimBaseUrl());
  return scimJson(200, listResponse(types, types.length, 1));
});
