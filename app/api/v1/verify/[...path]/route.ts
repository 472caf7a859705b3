// ANY /api/v1/verify/<anything else>: not an endpoint. Older proxy configurations that appended a path here fail closed with 404.
import { allMethods, unknownVerifyEndpoint } from '@/lib/http/verify';

export const dynamic = 'force-dynamic';
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = allMethods(unknownVerifyEndpoint);
