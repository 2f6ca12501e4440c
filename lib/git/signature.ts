/** Commit signatures (docs/porch-semantics.md §7.4 step 5). */
import type { GitSignatureLine } from './objects.js';
import type { Signature } from './types.js';

/** Committer of every commit this service writes, and the author when nobody else is known. */
export const PORCH_SIGNATURE: Signature = { name: 'Package Orchestration Service', email: 'porch@kpt.dev' };

/**
 * Author of a publish: the Repository's spec.git.author/email when either is set (a missing name falls back to the
 * email), else the requesting user as both name and email, else the service itself.
 */
export function resolveAuthor(a: { author?: string; email?: string; user?: string }): Signature {
  if (a.author || a.email) return { name: a.author || a.email!, email: a.email ?? '' };
  if (a.user) return { name: a.user, email: a.user };
  return PORCH_SIGNATURE;
}

// Characters a signature line cannot hold: a newline would start a new commit header, angle brackets delimit the
// email. git's own ident code drops them the same way.
const clean = (text: string) => text.replace(/[<>\n\r\0]/g, '').trim();

/** A commit signature line's fields at a given time (written in UTC), without characters that would corrupt it. */
export function gitSignature(s: Signature, when: Date): GitSignatureLine {
  const email = clean(s.email);
  return { name: clean(s.name) || email || PORCH_SIGNATURE.name, email, timestamp: Math.floor(when.getTime() / 1000) };
}
