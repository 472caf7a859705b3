import { describe, it, expect } from 'vitest';
import { MAX_CRITERIA, MAX_DEPTH, MAX_TEXT_BYTES, parsePolicy } from './index';
import { parseError } from './test-utils';

const criteriaList = (n: number) =>
  `allow:\n  or:\n${Array.from({ length: n }, (_, i) => `    - email: u${i}@x.io\n`).join('')}`;

function nested(levels: number): unknown {
  let item: unknown = { email: 'deep@x.io' };
  for (let i = 1; i < levels; i++) item = { or: [item] };
  return { allow: { and: [item] } };
}

describe('hostile input', () => {
  it('refuses 10 MB of text before parsing it', () => {
    const e = parseError('#'.repeat(10 * 1024 * 1024));
    expect(e.message).toBe('policy text is larger than 256 KB');
  });

  it('counts bytes, not characters, against the 256 KB limit', () => {
    const justOver = `allow: {or: [{email: a@x.io}]}\n#${'é'.repeat(MAX_TEXT_BYTES / 2)}`;
    expect(justOver.length).toBeLessThan(MAX_TEXT_BYTES);
    expect(parseError(justOver).message).toBe('policy text is larger than 256 KB');
  });

  it('refuses a YAML alias bomb', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(parseError(`${lines.join('\n')}\n`).message).toBe('policy text uses too many YAML aliases');
  });

  it('still allows a few aliases, which reuse a list', () => {
    const p = parsePolicy(
      '- allow:\n    or:\n      - http_method: {in: &m [GET, HEAD]}\n- deny:\n    and:\n      - http_method: {not_in: *m}\n',
    );
    expect(p.rules).toHaveLength(2);
  });

  it('refuses deeply nested flow collections and compact sequences before the YAML parser sees them', () => {
    expect(parseError('['.repeat(100_000)).message).toBe('policy text is nested more than 128 levels deep');
    expect(parseError(`${'- '.repeat(50_000)}x`).message).toBe('policy text is nested more than 128 levels deep');
  });

  it('refuses `a: a: a: …` chains, which nest an implicit key each', () => {
    expect(parseError('a: '.repeat(80_000)).message).toBe('policy text is nested more than 128 levels deep');
    expect(parseError(`[${'a: '.repeat(80_000)}]`).message).toBe('policy text is nested more than 128 levels deep');
  });

  it('reads a mapping with many keys in linear time, refusing the unknown ones', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join('\n');
    expect(parseError(keys).message).toBe('k0: unknown key "k0" (a rule has allow and/or deny)');
  });

  it('is not fooled by brackets inside quoted strings or comments', () => {
    const brackets = '['.repeat(300);
    const p = parsePolicy(
      `allow:\n  or:\n    - http_path: "${brackets}" # ${brackets}\n    - http_path: '${brackets}'\n`,
    );
    expect(p.rules[0]?.allow?.or).toHaveLength(2);
  });

  it(`limits operator nesting to ${MAX_DEPTH} levels`, () => {
    expect(() => parsePolicy(nested(MAX_DEPTH))).not.toThrow();
    expect(parseError(nested(MAX_DEPTH + 1)).message).toMatch(/operators are nested more than 32 levels deep$/);
  });

  it('survives a cyclic JS value', () => {
    const cyclic: { or: unknown[] } = { or: [] };
    cyclic.or.push(cyclic);
    expect(parseError({ allow: cyclic }).message).toMatch(/nested more than 32 levels/);
  });

  it(`limits a policy to ${MAX_CRITERIA} criteria`, () => {
    expect(() => parsePolicy(criteriaList(MAX_CRITERIA))).not.toThrow();
    const half =
      '- ' +
      criteriaList(MAX_CRITERIA / 2)
        .trimEnd()
        .split('\n')
        .join('\n  ') +
      '\n';
    const e = parseError(`${half + half}- deny:\n    or:\n      - email: one-too-many@x.io\n`);
    expect(e.message).toBe(`[2].deny.or[0]: policy has more than ${MAX_CRITERIA} criteria`);
    expect(e.line).toBe(MAX_CRITERIA + 7);
    expect(parseError(criteriaList(MAX_CRITERIA + 1)).message).toBe('allow.or: has more than 1000 entries');
  });

  it('limits the values of a JS-value policy, which the text limit does not bound', () => {
    const many = Array.from({ length: 1_000 }, (_, i) => `u${i}@x.io`);
    const rules = Array.from({ length: 11 }, () => ({ allow: { or: [{ email: { in: many } }] } }));
    expect(parseError(rules).message).toBe('[10].allow.or[0].email: policy has more than 10000 values');
    expect(parseError({ allow: { or: [{ email: { in: [...many, 'one-more@x.io'] } }] } }).message).toBe(
      'allow.or[0].email.in: has more than 1000 values',
    );
  });
});
