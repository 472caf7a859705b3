import { z } from 'zod';
import { parsePolicy, printPolicy, PolicyError } from '@/lib/policy';

export const MAX_PPL = 256 * 1024;

/**
 * The form a policy is stored in (canonical YAML, aliases expanded), or an error when that
 * form exceeds the limit: a short text can expand to megabytes through YAML aliases.
 */
export function storedPpl(text: string): { ok: true; ppl: string } | { ok: false; message: string } {
  const ppl = printPolicy(parsePolicy(text));
  const bytes = new TextEncoder().encode(ppl).length;
  if (bytes > MAX_PPL)
    return {
      ok: false,
      message: `With its YAML aliases expanded the policy is ${Math.ceil(bytes / 1024)} KB; at most ${MAX_PPL / 1024} KB.`,
    };
  return { ok: true, ppl };
}

/** PPL text that parses; the error names the place (and line) so the editor can show it. */
export const pplText = z
  .string()
  .max(MAX_PPL, 'The policy text is too long (at most 256 KB).')
  .superRefine((text, ctx) => {
    if (!text.trim()) {
      ctx.addIssue({ code: 'custom', message: 'The policy is empty: add an allow or deny block.' });
      return;
    }
    try {
      const stored = storedPpl(text);
      if (!stored.ok) ctx.addIssue({ code: 'custom', message: stored.message });
    } catch (err) {
      const e = err as PolicyError;
      ctx.addIssue({
        code: 'custom',
        message:
          e instanceof PolicyError
            ? `${e.line ? `Line ${e.line}: ` : ''}${e.message}`
            : 'The policy could not be read.',
      });
    }
  });

export const policyFormSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'),
  description: z.string().trim().max(1000, 'Use at most 1000 characters.'),
  enforced: z.boolean(),
  explanation: z.string().trim().max(2000, 'Use at most 2000 characters.'),
  remediation: z.string().trim().max(2000, 'Use at most 2000 characters.'),
  ppl: pplText,
});
export type PolicyFormValues = z.infer<typeof policyFormSchema>;

export const createPolicySchema = policyFormSchema.extend({ namespaceId: z.string().min(1).max(64) });
export const updatePolicySchema = policyFormSchema.extend({ id: z.string().uuid() });
export const policyIdSchema = z.object({ id: z.string().uuid() });
