// Test certificates made with Debian's openssl CLI in a temporary directory: a CA, a
// server certificate for 127.0.0.1, and client certificates (with subject alternative
// names) signed by the CA or self-signed.
import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCert {
  certFile: string;
  keyFile: string;
  pem: string;
  key: string;
  /** sha256 of the DER, 64 lower-case hex digits; and as openssl prints it (AB:CD:…). */
  fingerprint: string;
  fingerprintLong: string;
  spkiHash: string;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

function certFiles(dir: string, name: string): TestCert {
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}.key`);
  const pem = readFileSync(certFile, 'utf8');
  const x = new X509Certificate(pem);
  const fingerprint = createHash('sha256').update(x.raw).digest('hex');
  return {
    certFile,
    keyFile,
    pem,
    key: readFileSync(keyFile, 'utf8'),
    fingerprint,
    fingerprintLong: fingerprint.toUpperCase().match(/../g)!.join(':'),
    spkiHash: createHash('sha256')
      .update(x.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64'),
  };
}

export interface TestPki {
  dir: string;
  ca: TestCert;
  server: TestCert;
  client: TestCert;
  other: TestCert;
  selfSigned: TestCert;
  cleanup: () => void;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Postern Test CA',
  ]);
  const issue = (name: string, cn: string, san: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    ]);
    return certFiles(dir, name);
  };
  const server = issue('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  const client = issue('client', 'ci-bot', 'DNS:bot.corp.example,email:bot@corp.example,URI:spiffe://corp/bot');
  const other = issue('other', 'intruder', 'DNS:intruder.example');
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '1', '-subj', '/CN=self']);
  return {
    dir,
    ca: certFiles(dir, 'ca'),
    server,
    client,
    other,
    selfSigned: certFiles(dir, 'self'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The header value each proxy family would forward for this certificate. */
export const forwarded = {
  /** nginx $ssl_client_escaped_cert */
  nginx: (c: TestCert) => encodeURIComponent(c.pem),
  /** Traefik passTLSClientCert pem: base64 DER without delimiters, URL-escaped. */
  traefik: (c: TestCert) =>
    encodeURIComponent(c.pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')),
  /** Envoy x-forwarded-client-cert with set_current_client_cert_details {cert: true, dns: true}. */
  envoy: (c: TestCert) =>
    `By=spiffe://proxy;Hash=${c.fingerprint};Cert="${encodeURIComponent(c.pem)}";Subject="CN=x";DNS=bot.corp.example`,
};
