// GET /scim/v2/Groups: list or find groups (filter, startIndex, count, excludedAttributes=members). POST: create one.
import { createScimGroup, listScimGroups } from '@/lib/dal/scim';
import { readScimJson } from '@/lib/scim/body';
import { groupFilter, groupFromBody, toScimGroup } from '@/lib/scim/group';
import { excluded, listResponse, pageParams } from '@/lib/scim/list';
import { scimBaseUrl, scimJson, scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute(async (req, caller) => {
  const params = new URL(req.url).searchParams;
  const page = pageParams(params);
  const { total, groups } = await listScimGroups(
    caller,
    groupFilter(params.get('filter')),
    page,
    !excluded(params, 'members'),
  );
  return scimJson(
    200,
    listResponse(
      groups.map((g) => toScimGroup(g, scimBaseUrl())),
      total,
      page.startIndex,
    ),
  );
});

export const POST = scimRoute(async (req, caller) => {
  const fields = groupFromBody(await readScimJson(req));
  const group = await createScimGroup(caller, fields);
  const body = toScimGroup(group, scimBaseUrl());
  return scimJson(201, body, { location: body.meta.location });
});
