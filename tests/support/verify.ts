import { handleVerify } from '@/lib/verify/handle';

/** Calls the verify handler the way a proxy would: a real Request, any headers. */
export async function verify(headers: Record<string, string>, method = 'GET') {
  const res = await handleVerify(new Request('http://console.test/api/v1/verify', { method, headers }));
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

export const pomerium = (token: string) => ({ authorization: `Pomerium ${token}` });
