// GET /scim/v2/Users/{id}: one provisioned user. PUT replaces it, PATCH applies operations, DELETE removes it (204).
import { deleteScimUser, getScimUser, updateScimUser } from '@/lib/dal/scim';
import { readScimJson } from '@/lib/scim/body';
import { parsePatchBody } from '@/lib/scim/patch';
import { patchUser, toScimUser, userFromBody } from '@/lib/scim/user';
import { noContent, scimBaseUrl, scimJson, scimRoute } from '../../_lib/handler';

export const dynamic = 'force-dynamic';

type Params = { id: string };

export const GET = scimRoute<Params>(async (_req, caller, { id }) =>
  scimJson(200, toScimUser(await getScimUser(caller, id), scimBaseUrl())),
);

export const PUT = scimRoute<Params>(async (req, caller, { id }) => {
  const fields = userFromBody(await readScimJson(req));
  // `active` left out of a PUT keeps the stored state rather than re-enabling the user.
  const user = await updateScimUser(caller, id, (current) => ({ ...fields, active: fields.active ?? current.active }));
  return scimJson(200, toScimUser(user, scimBaseUrl()));
});

export const PATCH = scimRoute<Params>(async (req, caller, { id }) => {
  const ops = parsePatchBody(await readScimJson(req));
  const user = await updateScimUser(caller, id, (current) => patchUser(current, ops));
  return scimJson(200, toScimUser(user, scimBaseUrl()));
});

export const DELETE = scimRoute<Params>(async (_req, caller, { id }) => {
  await deleteScimUser(caller, id);
  return noContent();
});
