import type { Queryable } from '../../db/queryable.js';
import type { ChangeEntry, ChangeKind } from '../../storage/change-log.js';

/**
 * One read of the change log, shared by every watch that stood at the same version: rows, selector matches,
 * objects and event lines are built once per batch however many watches send them.
 */
export class ChangeBatch {
  private readonly loads = new Map<string, Promise<unknown>>();
  private readonly lines = new Map<string, string>();

  constructor(
    readonly db: Queryable,
    readonly entries: ChangeEntry[],
    /** The version the batch reaches: a watch that took it stands there. */
    readonly through: string,
  ) {}

  /** Loads once per batch and key. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let loaded = this.loads.get(key);
    if (!loaded) {
      loaded = load();
      this.loads.set(key, loaded);
    }
    return loaded as Promise<T>;
  }

  /** Builds once per batch and key (an event line). */
  line(key: string, build: () => string): string {
    let text = this.lines.get(key);
    if (text === undefined) {
      text = build();
      this.lines.set(key, text);
    }
    return text;
  }

  /** The versions of the batch's entries of one kind. */
  versionsOf(kind: ChangeKind): string[] {
    return this.entries.filter((e) => e.kind === kind).map((e) => e.resourceVersion);
  }
}
