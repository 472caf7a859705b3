import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from './errors';
import { canonicalPpl, readPolicyManifests, samePolicy } from './policy-file';

const ALLOW_CI = 'allow:\n  and:\n    - user:\n        is: ci-bot\n';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.failed);
    return (err as CliError).message;
  }
  throw new Error('no error');
}

describe('policy files', () => {
  it('reads manifests, several per file, PPL as YAML or as text', () => {
    const text = `name: allow-ci
namespace: Global/payments
description: CI deploys
ppl:
  allow:
    and:
      - user: { is: ci-bot }
---
name: deny-php
enforced: true
ppl: |
  deny:
    or:
      - http_path: { ends_with: .php }
`;
    const [a, b] = readPolicyManifests(text, 'policies.yaml');
    expect(a).toMatchObject({
      name: 'allow-ci',
      namespace: 'Global/payments',
      description: 'CI deploys',
      enforced: false,
    });
    expect(canonicalPpl(a!.ppl)).toBe(canonicalPpl(ALLOW_CI));
    expect(b).toMatchObject({ name: 'deny-php', namespace: undefined, enforced: true });
    expect(b!.ppl).toContain('ends_with: .php');
  });

  it('names a bare PPL document after --name or the file', () => {
    expect(readPolicyManifests(ALLOW_CI, 'policies/allow-ci.yaml')).toEqual([
      { name: 'allow-ci', description: '', enforced: false, explanation: '', remediation: '', ppl: ALLOW_CI },
    ]);
    expect(readPolicyManifests(ALLOW_CI, 'p.yaml', 'ci')[0]!.name).toBe('ci');
    expect(invalid(() => readPolicyManifests(ALLOW_CI, '-'))).toMatch(/needs --name/);
  });

  it('refuses what it cannot apply, naming the document and the line', () => {
    expect(
      invalid(() => readPolicyManifests('name: x\nppl:\n  allow:\n    and:\n      - usr: { is: a }\n', 'f.yaml')),
    ).toMatch(/^f\.yaml: invalid PPL: /);
    expect(invalid(() => readPolicyManifests('ppl:\n  allow: {}\n', 'f.yaml'))).toMatch(/name is required/);
    expect(invalid(() => readPolicyManifests('name: x\nppl: ""\n', 'f.yaml'))).toMatch(/ppl is required/);
    expect(
      invalid(() => readPolicyManifests(`name: x\nnamspace: y\nppl:\n  allow: {and: [accept: true]}\n`, 'f.yaml')),
    ).toMatch(/unknown key "namspace"/);
    expect(
      invalid(() => readPolicyManifests('name: x\nenforced: "yes"\nppl: "allow: {and: [accept: true]}"\n', 'f.yaml')),
    ).toMatch(/enforced must be true or false/);
    expect(invalid(() => readPolicyManifests('a: [1\n', 'f.yaml'))).toMatch(/not valid YAML/);
    expect(invalid(() => readPolicyManifests('', 'f.yaml'))).toMatch(/no policy/);
    const twice = `name: x\nppl: "${'allow: {and: [accept: true]}'}"\n---\nname: X\nppl: "allow: {and: [accept: true]}"\n`;
    expect(invalid(() => readPolicyManifests(twice, 'f.yaml'))).toMatch(/appears twice/);
    expect(invalid(() => readPolicyManifests(`${ALLOW_CI}---\n${ALLOW_CI}`, 'f.yaml'))).toMatch(/must be a manifest/);
  });

  it('tells a real change from a reformatting', () => {
    const [wanted] = readPolicyManifests(
      `name: allow-ci\nppl:\n  allow: { and: [ { user: { is: ci-bot } } ] }\n`,
      'f.yaml',
    );
    const stored = {
      name: 'allow-ci',
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: canonicalPpl(ALLOW_CI),
    };
    expect(samePolicy(stored, wanted!)).toBe(true);
    expect(samePolicy({ ...stored, ppl: 'allow:\n  and:\n    - user:\n        is: other\n' }, wanted!)).toBe(false);
    expect(samePolicy({ ...stored, description: 'changed' }, wanted!)).toBe(false);
    expect(samePolicy({ ...stored, enforced: true }, wanted!)).toBe(false);
    expect(samePolicy({ ...stored, name: 'Allow-CI' }, wanted!)).toBe(false);
  });
});
