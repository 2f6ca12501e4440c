/** Which commits of a tag carry Porch's annotations for a package; the parsing itself lives in lib/kpt. */
import { parseAnnotations } from '../kpt/commit-annotation.js';

/** True when the message carries any annotation for the package (an approval commit written by Porch). */
export function mentionsPackage(message: string, full: string): boolean {
  return parseAnnotations(message).some((a) => a.package === full);
}
