/** A take waiting for a slot (account/slot-wait.ts). */
export interface Waiter {
  rank: number;
  wanted?: () => boolean;
  /** Wakes the waiter with a slot another take obtained, or with its withdrawal. */
  hand: (result: { slot: unknown } | { withdrawn: true }) => void;
}

/**
 * The takes of one account waiting in this process, in line: reply-path calls first, then the
 * longest waiting. A slot that a take obtains while an earlier one waits goes to that one (if it
 * still wants one): a newcomer that looks just as a slot opens, or whose look answers first, does not
 * take it from a request that has waited longer and whose timer has not fired yet.
 */
export class SlotLine {
  private readonly waiting: Waiter[] = [];

  join(w: Waiter): () => void {
    this.waiting.push(w);
    this.waiting.sort((a, b) => a.rank - b.rank);
    return () => {
      const i = this.waiting.indexOf(w);
      if (i >= 0) this.waiting.splice(i, 1);
    };
  }

  /**
   * Gives `slot` to the first waiter ranked before `rank` that still wants one (a waiter handed
   * something leaves the line); false when there is none.
   */
  handOver(slot: unknown, rank: number): boolean {
    while (this.waiting.length > 0 && this.waiting[0]!.rank < rank) {
      const w = this.waiting.shift()!;
      if (w.wanted && !w.wanted()) {
        w.hand({ withdrawn: true });
        continue;
      }
      w.hand({ slot });
      return true;
    }
    return false;
  }
}

