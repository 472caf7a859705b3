// GET /scim/v2/Schemas/{urn}: one schema definition.
import { schemaDocById } from '@/lib/scim/discovery';
import { scimNotFound } from '@/lib/scim/errors';
import { scimBaseUrl, scimJson, scimRoute } from '../../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute<{ id: string }>(async (_req, _caller, { id }) => {
  const doc = schemaDocById(id, scimBaseUrl());
  if (!doc) throw scimNotFound('Resource', id);
  return scimJson(200, doc);
});
