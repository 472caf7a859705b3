// ANY /scim/v2/*: endpoints this service provider does not have (e.g. /Bulk, /Me) answer a SCIM 404, not an HTML page.
import { ScimError } from '@/lib/scim/errors';
import { scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

const missing = scimRoute(async () => {
  throw new ScimError(404, 'This SCIM endpoint does not exist.');
});

export { missing as GET, missing as POST, missing as PUT, missing as PATCH, missing as DELETE };
