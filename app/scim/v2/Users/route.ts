// GET /scim/v2/Users: list or find provisioned users (filter, startIndex, count). POST: create one (409 when the userName is taken).
import { createScimUser, listScimUsers } from '@/lib/dal/scim';
import { readScimJson } from '@/lib/scim/body';
import { pageParams } from '@/lib/scim/list';
import { toScimUser, userFilter, userFromBody } from '@/lib/scim/user';
import { scimBaseUrl, scimCreated, scimList, scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute(async (req, caller) => {
  const params = new URL(req.url).searchParams;
  const page = pageParams(params);
  const { total, users } = await listScimUsers(caller, userFilter(params.get('filter')), page);
  return scimList(users, total, page.startIndex, toScimUser);
});

export const POST = scimRoute(async (req, caller) => {
  const user = await createScimUser(caller, userFromBody(await readScimJson(req)));
  return scimCreated(toScimUser(user, scimBaseUrl()));
});
