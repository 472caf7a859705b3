// GET /scim/v2/Groups: list or find groups (filter, startIndex, count, excludedAttributes=members). POST: create one.
import { createScimGroup, listScimGroups } from '@/lib/dal/scim';
import { readScimJson } from '@/lib/scim/body';
import { groupFilter, groupFromBody, toScimGroup } from '@/lib/scim/group';
import { excluded, pageParams } from '@/lib/scim/list';
import { scimBaseUrl, scimCreated, scimList, scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute(async (req, caller) => {
  const params = new URL(req.url).searchParams;
  const page = pageParams(params);
  const filter = groupFilter(params.get('filter'));
  const { total, groups } = await listScimGroups(caller, filter, page, !excluded(params, 'members'));
  return scimList(groups, total, page.startIndex, toScimGroup);
});

export const POST = scimRoute(async (req, caller) => {
  const group = await createScimGroup(caller, groupFromBody(await readScimJson(req)));
  return scimCreated(toScimGroup(group, scimBaseUrl()));
});
