// Turns policy text into a plain JS value, refusing hostile input before the YAML
// parser spends time on it, and keeps the document so errors can name a line.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import { PolicyError, type PathSegment } from './errors';

export const MAX_TEXT_BYTES = 256 * 1024;
/** yaml's guard against "billion laughs": aliases may not expand the document much. */
export const MAX_ALIASES = 100;
/** Structural nesting the pre-scan allows; far above what a valid policy can use. */
export const MAX_YAML_NESTING = 128;

export interface LoadedYaml {
  value: unknown;
  /** 1-based line and column of the node at `segments`, as far as it can be followed. */
  locate(segments: readonly PathSegment[]): { line: number; column: number } | undefined;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const OPENS_TOKEN = new Set([' ', '\t', '\n', '\r', '[', '{', ',', ':', '-', '?']);

/**
 * Deep nesting (`[[[[…`, `- - - - …`, `a: a: a: …`) makes the YAML parser slow and,
 * past some depth, overflows the stack or exhausts memory, so it is measured first with a cheap scan that skips
 * comments and quoted strings. It may overcount brackets inside plain strings, but
 * a valid policy is nowhere near the limit.
 */
export function exceedsNesting(s: string, limit: number): boolean {
  let flow = 0;
  // `a: a: a: …` nests an implicit key per ": " until a separator; valid YAML chains at most two.
  let chain = 0;
  let i = 0;
  const n = s.length;
  let lineStart = true;
  while (i < n) {
    const c = s[i] as string;
    if (c === '\n') {
      lineStart = true;
      chain = 0;
      i++;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      let compact = 0;
      for (;;) {
        while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
        const ind = s[i];
        const next = s[i + 1];
        if (
          (ind === '-' || ind === '?' || ind === ':') &&
          (next === undefined || next === ' ' || next === '\t' || next === '\n')
        ) {
          if (++compact > limit) return true;
          i++;
        } else break;
      }
      continue;
    }
    const prev = i === 0 ? '\n' : (s[i - 1] as string);
    if (c === '#' && (prev === ' ' || prev === '\t' || prev === '\n' || prev === '\r')) {
      while (i < n && s[i] !== '\n') i++;
      continue;
    }
    if ((c === '"' || c === "'") && OPENS_TOKEN.has(prev)) {
      i++;
      while (i < n) {
        if (c === '"' && s[i] === '\\') i += 2;
        else if (s[i] === c) {
          if (c === "'" && s[i + 1] === "'") i += 2;
          else break;
        } else i++;
      }
      i++;
      continue;
    }
    if (c === '[' || c === '{') {
      if (++flow > limit) return true;
      chain = 0;
    } else if (c === ']' || c === '}' || c === ',') {
      if (c !== ',' && flow > 0) flow--;
      chain = 0;
    } else if (c === ':') {
      const next = s[i + 1];
      if ((next === undefined || next === ' ' || next === '\t' || next === '\n') && ++chain > limit) return true;
    }
    i++;
  }
  return false;
}

function syntaxError(lines: LineCounter, offset: number, message: string): PolicyError {
  const pos = lines.linePos(offset);
  const err = new PolicyError([], `YAML syntax error at line ${pos.line}, column ${pos.col}: ${message}`);
  err.line = pos.line;
  err.column = pos.col;
  return err;
}

/** Refuses duplicate keys (a second `deny:` must not silently replace the first) and non-scalar keys. */
function checkKeys(doc: Document.Parsed, lines: LineCounter): void {
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key: unknown = pair.key;
        const offset = (key as { range?: [number, number, number] } | null)?.range?.[0] ?? map.range?.[0] ?? 0;
        if (!isScalar(key)) throw syntaxError(lines, offset, 'mapping keys must be plain strings');
        const name = String(key.value);
        if (seen.has(name)) throw syntaxError(lines, offset, `duplicate key "${name.slice(0, 64)}"`);
        seen.add(name);
      }
    },
  });
}

export function loadYaml(text: string): LoadedYaml {
  if (text.length > MAX_TEXT_BYTES || utf8Length(text) > MAX_TEXT_BYTES) {
    throw new PolicyError([], `policy text is larger than ${MAX_TEXT_BYTES / 1024} KB`);
  }
  if (exceedsNesting(text, MAX_YAML_NESTING)) {
    throw new PolicyError([], `policy text is nested more than ${MAX_YAML_NESTING} levels deep`);
  }
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // schema 'core' pins YAML 1.2 scalars even under a `%YAML 1.1` directive, so 17:00
    // never turns into the sexagesimal number 1020 and `yes` stays a string.
    // uniqueKeys is off because yaml checks it in quadratic time (20,000 keys: 15 s);
    // checkKeys() below does the same in linear time.
    doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: false,
      version: '1.2',
      schema: 'core',
    });
  } catch {
    throw new PolicyError([], 'policy text could not be read as YAML');
  }
  const first = doc.errors[0];
  if (first) throw syntaxError(lines, first.pos[0], first.message.split('\n')[0] ?? '');
  checkKeys(doc, lines);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ReferenceError || e instanceof RangeError) {
      throw new PolicyError([], 'policy text uses too many YAML aliases');
    }
    throw new PolicyError([], 'policy text could not be read as YAML');
  }
  return {
    value,
    locate(segments) {
      let node: unknown = doc.contents;
      let offset = doc.contents?.range?.[0] ?? 0;
      for (let k = 0; k < segments.length; k++) {
        const seg = segments[k];
        if (isAlias(node)) break;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          node = pair.value;
          const valueStart = (node as { range?: [number, number, number] } | null)?.range?.[0];
          // The last step names a key: point at the key itself, not at its value.
          offset = (k === segments.length - 1 ? keyStart : (valueStart ?? keyStart)) ?? offset;
        } else if (isSeq(node) && typeof seg === 'number') {
          node = node.items[seg];
          offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
        } else break;
      }
      const pos = lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}
