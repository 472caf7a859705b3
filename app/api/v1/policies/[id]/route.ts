// GET|PATCH|DELETE /api/v1/policies/{id}: read (ETag); change any form fields (merged, validated as the form; If-Match); delete (If-Match).
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { etagOf, json, noContent, parseIfMatch } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { pplAsText } from '@/lib/api/inputs';
import { toPolicy } from '@/lib/api/resources';
import { deletePolicy, getPolicyView, updatePolicy } from '@/lib/dal/policies';
import { policyFormSchema } from '@/lib/schemas/policy';

export const dynamic = 'force-dynamic';
type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => {
  const policy = await getPolicyView(actor, uuidParam(params.id, 'The policy'));
  return json(toPolicy(policy), { etag: etagOf(policy.id, policy.updatedAt) });
});

export const PATCH = apiRoute<P>(async ({ actor, params, req }) => {
  const id = uuidParam(params.id, 'The policy');
  const body = pplAsText(await readObject(req));
  const current = await getPolicyView(actor, id);
  const values = validate(policyFormSchema, {
    name: current.name,
    description: current.description,
    enforced: current.enforced,
    explanation: current.explanation,
    remediation: current.remediation,
    ppl: current.ppl,
    ...body,
  });
  await updatePolicy(actor, id, values, { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  const policy = await getPolicyView(actor, id);
  return json(toPolicy(policy), { etag: etagOf(policy.id, policy.updatedAt) });
});

export const DELETE = apiRoute<P>(async ({ actor, params, req }) => {
  await deletePolicy(actor, uuidParam(params.id, 'The policy'), { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  return noContent();
});
