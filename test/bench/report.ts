/**
 * The benchmarks' one reporter: every measure is printed with its target and marked ok or MISS, and the process
 * exits non-zero when any target was missed, so a run that misses cannot look like a pass.
 */

export interface Target {
  /** The measured value must be at most this. */
  max: number;
  /** Printed after the value, e.g. `ms`, `MiB`, `×`. */
  unit?: string;
}

const results: { label: string; ok: boolean }[] = [];
const fmt = (value: number, unit = '') =>
  `${Number.isInteger(value) ? value : value.toFixed(2)}${unit ? ` ${unit}` : ''}`;

/** A heading between groups of measures. */
export function section(title: string): void {
  console.log(`\n== ${title} ==`);
}

/** A measured value without a target (a baseline or a detail); printed only. */
export function info(label: string, value: string): void {
  console.log(`${label.padEnd(60)} ${value.padStart(24)}`);
}

/** A measured value checked against its target: printed with `ok` or `MISS`. */
export function check(label: string, value: number, target: Target): boolean {
  const ok = Number.isFinite(value) && value <= target.max;
  results.push({ label, ok });
  console.log(
    `${label.padEnd(60)} ${fmt(value, target.unit).padStart(24)}  ${(ok ? 'ok' : 'MISS').padEnd(4)}  target ≤ ${fmt(target.max, target.unit)}`,
  );
  return ok;
}

/**
 * Prints the verdict; sets a non-zero exit code when any check missed. Answers the number of misses. Call it after
 * the benchmark's clean-up and end with `process.exit()`: a library's handle must not keep the verdict waiting.
 */
export function finish(): number {
  const missed = results.filter((r) => !r.ok);
  console.log(
    missed.length === 0
      ? `\nall ${results.length} targets ok`
      : `\n${missed.length} of ${results.length} targets MISSED: ${missed.map((m) => m.label.trim()).join('; ')}`,
  );
  if (missed.length > 0) process.exitCode = 1;
  return missed.length;
}
