// Turns policy text into a plain JS value, refusing hostile input before the YAML
// parser spends time on it, and keeps the document so errors can name a line.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
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
 * Deep nesting (`[[[[…` or `- - - - …`) makes the YAML parser slow and, past some
 * depth, exhausts memory, so it is measured first with a cheap scan that skips
 * comments and quoted strings. It may overcount brackets inside plain strings, but
 * a valid policy is nowhere near the limit.
 */
export function exceedsNesting(s: string, limit: number): boolean {
  let flow = 0;
  let i = 0;
  const n = s.length;
  let lineStart = true;
  while (i < n) {
    const c = s[i] as string;
    if (c === '\n') {
      lineStart = true;
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
        if ((ind === '-' || ind === '?' || ind === ':') && (next === undefined || next === ' ' || next === '\t' || next === '\n')) {
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
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
    i++;
  }
  return false;
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
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  } catch {
    throw new PolicyError([], 'policy text could not be read as YAML');
  }
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    const err = new PolicyError([], `YAML syntax error at line ${pos.line}, column ${pos.col}: ${first.message.split('\n')[0]}`);
    err.line = pos.line;
    err.column = pos.col;
    throw err;
  }
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
      let offset = (doc.contents?.range?.[0]) ?? 0;
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
