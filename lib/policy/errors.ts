/** One step into a policy document: a mapping key or a list index. */
export type PathSegment = string | number;

/**
 * A policy that cannot be accepted. `path` names the place in PPL terms
 * (`allow.and[1].http_method`, or `[0].allow…` for a list of rules) so an editor
 * or a form can point at it; `line`/`column` (1-based) are set when the policy
 * came from text and the place could be found in it.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly path: string;
  readonly detail: string;
  line?: number;
  column?: number;
  /** Finer-grained location than `path` (e.g. the offending matcher), used to find the line. */
  readonly segments: readonly PathSegment[];

  constructor(segments: readonly PathSegment[], detail: string, locate: readonly PathSegment[] = segments) {
    const path = formatPath(segments);
    super(path ? `${path}: ${detail}` : detail);
    this.path = path;
    this.detail = detail;
    this.segments = locate;
  }
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** Describes a value's type in words a policy author recognises. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return isPlainObject(value) ? 'a mapping' : 'an unsupported value';
    default:
      return 'an unsupported value';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
