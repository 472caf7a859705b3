import { describe, expect, it } from 'vitest';
import { cell, csvCell, formatCsv, formatJson, formatJsonLines, formatTable } from './output';

const columns = [
  { header: 'id', value: (r: { id: string; name: string | null; tags: string[] }) => r.id },
  { header: 'user id', value: (r: { id: string; name: string | null; tags: string[] }) => r.name },
  { header: 'tags', value: (r: { id: string; name: string | null; tags: string[] }) => r.tags },
];

describe('output', () => {
  it('aligns table columns under upper-case headers, with - for empty values', () => {
    const text = formatTable(
      [
        { id: 'a1', name: 'ci-bot', tags: ['x', 'y'] },
        { id: 'b22222', name: null, tags: [] },
      ],
      columns,
    );
    expect(text).toBe('ID      USER ID  TAGS\na1      ci-bot   x,y\nb22222  -        -\n');
  });

  it('never lets a cell write control characters to the terminal', () => {
    expect(cell('evil\u001b[2Jtext\nnext')).toBe('evil\uFFFD[2Jtext\uFFFDnext');
    expect(formatTable([{ id: '\u0007', name: 'n', tags: [] }], columns).includes('\u0007')).toBe(false);
  });

  it('writes JSON (pretty, one document) and JSON lines (one compact object a line)', () => {
    expect(JSON.parse(formatJson([{ a: 1 }]))).toEqual([{ a: 1 }]);
    expect(formatJson([])).toBe('[]\n');
    expect(formatJsonLines([{ a: 1 }, { b: 'x\ny' }])).toBe('{"a":1}\n{"b":"x\\ny"}\n');
  });

  it('quotes CSV cells as RFC 4180 says and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: [1, 2] })).toBe('"{""a"":[1,2]}"');
    expect(formatCsv([{ id: '1', name: 'n', tags: ['t'] }], columns)).toBe('id,user id,tags\r\n1,n,"[""t""]"\r\n');
  });
});
