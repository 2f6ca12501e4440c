/** Image references as the render engine compares them (docs/render.md). */

/** The image without its tag or digest: `gcr.io/kpt-fn/set-labels:v0.2` → `gcr.io/kpt-fn/set-labels`. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The function's name: the last path segment of the repository (`set-labels`). */
export const functionName = (image: string) => imageRepository(image).split('/').at(-1)!;
