// Whether a memo on the verify path pays for itself with the traffic at hand. A proxy that
// asks about the same few requests gets most answers from memory; one whose every request
// is new (a fresh path each time, read by the route's policies) would pay the memo's key,
// lookup and insert on every request for nothing (bench:core: ~1.5 µs a decision). So each
// memo counts its hits over windows of 1,024 lookups: below one in four it is consulted for
// only 1 request in 16 (those keep measuring), until the hit rate comes back.
const WINDOW = 1024;
const SAMPLE = 15; // consult 1 in 16 while off

export class MemoGate {
  private lookups = 0;
  private hits = 0;
  private skipped = 0;
  private on = true;

  /** Whether to consult the memo for this request. */
  use(): boolean {
    return this.on || (++this.skipped & SAMPLE) === 0;
  }

  /** What the consulted memo found. */
  record(hit: boolean): void {
    if (hit) this.hits++;
    if (++this.lookups < WINDOW) return;
    this.on = this.hits * 4 >= this.lookups;
    this.lookups = 0;
    this.hits = 0;
  }
}
