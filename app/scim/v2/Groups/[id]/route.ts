// GET /scim/v2/Groups/{id}: one group (excludedAttributes=members supported). PUT replaces it, PATCH applies operations (204), DELETE removes it (204).
import { deleteScimGroup, getScimGroup, updateScimGroup } from '@/lib/dal/scim';
import { readScimJson } from '@/lib/scim/body';
import { groupFromBody, patchGroup, toScimGroup } from '@/lib/scim/group';
import { excluded } from '@/lib/scim/list';
import { parsePatchBody } from '@/lib/scim/patch';
import { noContent, scimBaseUrl, scimJson, scimRoute } from '../../_lib/handler';

export const dynamic = 'force-dynamic';

type Params = { id: string };

export const GET = scimRoute<Params>(async (req, caller, { id }) => {
  const withMembers = !excluded(new URL(req.url).searchParams, 'members');
  return scimJson(200, toScimGroup(await getScimGroup(caller, id, withMembers), scimBaseUrl()));
});

export const PUT = scimRoute<Params>(async (req, caller, { id }) => {
  const fields = groupFromBody(await readScimJson(req));
  await updateScimGroup(caller, id, () => fields);
  return scimJson(200, toScimGroup(await getScimGroup(caller, id), scimBaseUrl()));
});

// 204 rather than the whole group: a large group's member list is not worth sending back.
export const PATCH = scimRoute<Params>(async (req, caller, { id }) => {
  const ops = parsePatchBody(await readScimJson(req));
  await updateScimGroup(caller, id, (current) => patchGroup(current, ops));
  return noContent();
});

export const DELETE = scimRoute<Params>(async (_req, caller, { id }) => {
  await deleteScimGroup(caller, id);
  return noContent();
});
