/** A WHERE clause under construction: conditions are SQL text with `$n` placeholders, values are bound parameters. */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Binds a value and returns its placeholder (`$3`). */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds a condition; every value in it must come from `bind`. */
  where(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** `where a and b …`, or nothing when there is no condition. */
  clause(): string {
    return this.conditions.length ? `where ${this.conditions.map((c) => `(${c})`).join(' and ')}` : '';
  }
}
