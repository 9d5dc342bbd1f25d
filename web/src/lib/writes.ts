// The writes this tab has sent and not yet seen answered: a live refresh started before (or
// during) one of them may carry the state from before it, and must not paint over it.

/** Writes counts the tab's requests that change something (any method but GET and HEAD). */
export class Writes {
  private inFlight = 0;
  private seq = 0;
  private waiters: (() => void)[] = [];

  /** mark is a point to compare with later: what has started or ended since. */
  mark(): number {
    return this.seq;
  }

  /** since says whether a write started or ended after mark, or is still in flight. */
  since(mark: number): boolean {
    return this.inFlight > 0 || this.seq !== mark;
  }

  /** idle resolves once no write is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** track counts the request made by send while it is in flight. */
  async track<T>(send: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.seq++;
    try {
      return await send();
    } finally {
      this.inFlight--;
      this.seq++;
      if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
    }
  }
}

/** isWrite says whether a request of this method changes something. */
export const isWrite = (method: string) => method !== "GET" && method !== "HEAD";
