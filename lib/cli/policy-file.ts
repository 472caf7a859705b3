// `postern policy apply -f <file>`: the file's policies. A file holds one or more YAML
// documents (---), each a manifest
//
//   name: allow-ci                   # required: apply matches policies by name
//   namespace: Global/payments       # or --namespace
//   description: CI deploys          # optional, like enforced, explanation, remediation
//   ppl:                             # the PPL, as YAML (or a string of PPL text)
//     allow:
//       and:
//         - user: { is: ci-deploy }
//
// or a single bare PPL document (allow:/deny: at the top), named by --name or the file name.
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { printPolicy } from '../policy/api';
import { PolicyError } from '../policy/errors';
import { parsePolicy } from '../policy/parse';
import { CliError, EXIT, printable } from './errors';

export interface PolicyManifest {
  name: string;
  namespace?: string;
  description: string;
  enforced: boolean;
  explanation: string;
  remediation: string;
  /** PPL text as given (the API validates it again and stores its canonical form). */
  ppl: string;
}

const KEYS = new Set(['name', 'namespace', 'description', 'enforced', 'explanation', 'remediation', 'ppl']);
const TEXT_KEYS = ['name', 'namespace', 'description', 'explanation', 'remediation'] as const;

const invalid = (message: string) => new CliError(message, EXIT.failed);

/** The canonical text of PPL (what the API stores), to tell a real change from a reformatting. */
export function canonicalPpl(text: string): string {
  return printPolicy(parsePolicy(text));
}

function checkPpl(where: string, text: string): void {
  try {
    canonicalPpl(text);
  } catch (err) {
    if (err instanceof PolicyError)
      throw invalid(`${where}: invalid PPL: ${err.line ? `line ${err.line}: ` : ''}${printable(err.message)}`);
    throw err;
  }
}

function manifest(where: string, value: Record<string, unknown>): PolicyManifest {
  for (const key of Object.keys(value))
    if (!KEYS.has(key)) throw invalid(`${where}: unknown key "${printable(key)}" (use ${[...KEYS].join(', ')})`);
  for (const key of TEXT_KEYS)
    if (value[key] !== undefined && typeof value[key] !== 'string') throw invalid(`${where}: ${key} must be text`);
  if (value.enforced !== undefined && typeof value.enforced !== 'boolean')
    throw invalid(`${where}: enforced must be true or false`);
  const name = ((value.name as string | undefined) ?? '').trim();
  if (!name) throw invalid(`${where}: name is required`);
  const raw = value.ppl;
  if (raw === undefined || raw === null || raw === '') throw invalid(`${where}: ppl is required`);
  const ppl = typeof raw === 'string' ? raw : stringify(raw);
  checkPpl(where, ppl);
  return {
    name,
    namespace: (value.namespace as string | undefined)?.trim() || undefined,
    description: ((value.description as string | undefined) ?? '').trim(),
    enforced: (value.enforced as boolean | undefined) ?? false,
    explanation: ((value.explanation as string | undefined) ?? '').trim(),
    remediation: ((value.remediation as string | undefined) ?? '').trim(),
    ppl,
  };
}

/**
 * The policies in a file's text. `file` names it in messages and, for a bare PPL document
 * without `name`, gives the name (its base name without extension) unless `name` does.
 */
export function readPolicyManifests(text: string, file: string, name?: string): PolicyManifest[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  const present = docs.filter((d) => d.contents !== null || d.errors.length);
  if (!present.length) throw invalid(`${file}: no policy in the file`);
  const manifests: PolicyManifest[] = [];
  for (const [i, doc] of present.entries()) {
    const where = present.length > 1 ? `${file} (document ${i + 1})` : file;
    const err = doc.errors[0];
    if (err) throw invalid(`${where}: not valid YAML: ${printable(err.message.split('\n')[0] ?? '')}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    const isManifest = value !== null && typeof value === 'object' && !Array.isArray(value) && 'ppl' in value;
    if (isManifest) {
      if (name !== undefined) throw invalid(`${where}: --name is for a bare PPL file; this one names its policies`);
      manifests.push(manifest(where, value as Record<string, unknown>));
      continue;
    }
    if (present.length > 1)
      throw invalid(`${where}: each document of a file with several must be a manifest with name and ppl`);
    const policyName = (name ?? path.basename(file).replace(/\.(ya?ml|json|ppl)$/i, '')).trim();
    if (!policyName || file === '-') throw invalid(`${where}: a bare PPL document needs --name`);
    const ppl = text;
    checkPpl(where, ppl);
    manifests.push({ name: policyName, description: '', enforced: false, explanation: '', remediation: '', ppl });
  }
  const seen = new Set<string>();
  for (const m of manifests) {
    const key = `${m.namespace ?? ''}\u0000${m.name.toLowerCase()}`;
    if (seen.has(key)) throw invalid(`${file}: the policy "${printable(m.name)}" appears twice`);
    seen.add(key);
  }
  return manifests;
}

/** Whether the stored policy already says what the manifest says (names compare whatever the case). */
export function samePolicy(
  stored: {
    name: string;
    description: string;
    enforced: boolean;
    explanation: string;
    remediation: string;
    ppl: string;
  },
  wanted: PolicyManifest,
): boolean {
  if (
    stored.name !== wanted.name ||
    (stored.description ?? '') !== wanted.description ||
    Boolean(stored.enforced) !== wanted.enforced ||
    (stored.explanation ?? '') !== wanted.explanation ||
    (stored.remediation ?? '') !== wanted.remediation
  )
    return false;
  if (stored.ppl === wanted.ppl) return true;
  try {
    return canonicalPpl(stored.ppl) === canonicalPpl(wanted.ppl);
  } catch {
    return false;
  }
}
