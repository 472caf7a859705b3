// GET /scim/v2/ServiceProviderConfig: the SCIM features this service provider supports (RFC 7644 §5).
import { serviceProviderConfig } from '@/lib/scim/discovery';
import { scimBaseUrl, scimJson, scimRoute } from '../_lib/handler';

export const dynamic = 'force-dynamic';

export const GET = scimRoute(async () => scimJson(200, serviceProviderConfig(scimBaseUrl())));
