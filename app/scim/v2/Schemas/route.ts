// GET /scim/v2/Schemas: the User and Group attributes Postern stores (RFC 7644 §7).
import { schemaDocs } from '@/lib/scim/discovery';
import { listResponse } from '@/lib/scim/list';
import { scimBaseUrl, scimJson, scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute(async () => {
  const docs = schemaDocs(scimBaseUrl());
  return scimJson(200, listResponse(docs, docs.length, 1));
});
