// The client certificate a proxy forwards, in the form policies read (lib/policy
// ClientCertificate). Parsed only when a policy asks (PolicyRequest.clientCertificate is
// a function), and cached by header value: a machine client sends the same one each time.
import { X509Certificate, createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ClientCertificate } from '@/lib/policy';
import type { ProxyFamily } from '@/lib/verify/describe';

interface Parsed {
  fingerprint: string;
  spkiHash: string;
  sanEmail: string[];
  sanDns: string[];
  sanUri: string[];
  notBefore: number;
  notAfter: number;
}
const UNREADABLE: Parsed = {
  fingerprint: '',
  spkiHash: '',
  sanEmail: [],
  sanDns: [],
  sanUri: [],
  notBefore: 0,
  notAfter: 0,
};

const cache = new LRUCache<string, Parsed>({
  max: 2_000,
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (_v, k) => k.length + 1,
});

const safeDecode = (s: string): string | null => {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
};

/**
 * Envoy's x-forwarded-client-cert: elements separated by commas, each `Key=value;…`
 * with values optionally quoted. The last element is the one this Envoy added (with
 * forward_client_cert_details SANITIZE_SET it is the only one). Returns its Cert value.
 */
export function xfccCert(header: string): string | null {
  const elements: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      elements.push(cur);
      cur = '';
    } else cur += c;
  }
  elements.push(cur);
  const last = elements[elements.length - 1] ?? '';
  for (const pair of last.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== 'cert') continue;
    const v = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return safeDecode(v);
  }
  return null;
}

/** The leaf certificate (PEM or base64 DER) out of each family's header, or null. */
export function leafOf(family: ProxyFamily, header: string): string | null {
  switch (family) {
    // Traefik: URL-escaped base64 DER without PEM delimiters; a chain is comma-separated, leaf first.
    case 'forward-auth':
      return safeDecode(header.split(',')[0] ?? '');
    // nginx $ssl_client_escaped_cert: URL-encoded PEM.
    case 'auth-request':
      return safeDecode(header);
    case 'ext-authz':
      return xfccCert(header);
  }
}

function parse(text: string): Parsed {
  const pem = text.includes('-----BEGIN')
    ? text
    : `-----BEGIN CERTIFICATE-----\n${text.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch {
    return UNREADABLE;
  }
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  const sans = { sanEmail: [] as string[], sanDns: [] as string[], sanUri: [] as string[] };
  // "DNS:a.example, email:x@y, URI:spiffe://…"; values with commas are quoted by Node.
  for (const part of (x.subjectAltName ?? '').match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const m = /^\s*(DNS|email|URI):(.*)$/.exec(part);
    if (!m) continue;
    const v = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
    (m[1] === 'DNS' ? sans.sanDns : m[1] === 'email' ? sans.sanEmail : sans.sanUri).push(v);
  }
  return {
    fingerprint: createHash('sha256').update(x.raw).digest('hex'),
    spkiHash: createHash('sha256').update(spki).digest('base64'),
    ...sans,
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
  };
}

/**
 * What policies see of a forwarded certificate at `now`. A header that holds no readable
 * certificate counts as a certificate that was presented but is invalid.
 */
export function clientCertificate(family: ProxyFamily, header: string, now = Date.now()): ClientCertificate {
  const key = `${family}\n${header}`;
  let p = cache.get(key);
  if (!p) {
    const leaf = leafOf(family, header);
    p = leaf ? parse(leaf) : UNREADABLE;
    cache.set(key, p);
  }
  const { notBefore, notAfter, ...rest } = p;
  return { ...rest, valid: p.fingerprint !== '' && now >= notBefore && now <= notAfter };
}
