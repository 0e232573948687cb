import type { z } from 'zod';
import { invalidRequest, type FieldIssue } from '../errors/admin-error';

/** Parses an operation's input; refuses it with `request.invalid` naming every field at fault. */
export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalidRequest(parsed.error.issues.map(issueOf));
}

function issueOf(issue: z.core.$ZodIssue): FieldIssue {
  const path = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    return { path: issue.path.length === 0 ? keys.join(', ') : `${path}.${keys.join(', ')}`, message: `unknown field${keys.length > 1 ? 's' : ''}; check the spelling (see the OpenAPI document)` };
  }
  return { path, message: issue.message };
}
