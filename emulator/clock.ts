/**
 * The emulator's clock: real time plus an offset that tests move through `/_emulator/clock`.
 * It drives token expiry, rate-limit windows, date presets and every timestamp the emulator issues.
 */
export class Clock {
  private offsetMs = 0;
  private lastStamp = 0;
  private held: string | undefined;
  private heldEntity: string | undefined;
  private lastEntityStamp = 0;
  private holding = false;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  iso(): string {
    return this.date().toISOString();
  }

  /**
   * A timestamp for integration writes and resync requests. These must strictly increase so that
   * resync-request watermarks and resync-state echoes never tie: two such writes in the same
   * millisecond get +1 ms. Inside `hold()` one request's writes share one stamp.
   */
  stamp(): string {
    if (this.holding) return (this.held ??= this.next());
    return this.next();
  }

  /**
   * A timestamp for entity writes: never earlier than the previous one, but never pushed ahead of
   * the clock either. A resync writes thousands of entities a second; strictly increasing stamps
   * would run seconds ahead of real time, and the next resync's `before` filter (`updatedAt <
   * resync start`) would then miss entities that were in fact written before it started.
   */
  entityStamp(): string {
    if (this.holding) return (this.heldEntity ??= this.nextEntity());
    return this.nextEntity();
  }

  /** Run one request's handler with a single stamp of each kind. */
  hold<T>(fn: () => T): T {
    if (this.holding) return fn();
    this.holding = true;
    try {
      return fn();
    } finally {
      this.holding = false;
      this.held = undefined;
      this.heldEntity = undefined;
    }
  }

  private nextEntity(): string {
    const t = Math.max(this.now(), this.lastEntityStamp);
    this.lastEntityStamp = t;
    return new Date(t).toISOString();
  }

  private next(): string {
    const t = Math.max(this.now(), this.lastStamp + 1);
    this.lastStamp = t;
    return new Date(t).toISOString();
  }

  /** Remember timestamps already issued (after a restart from a file) so stamps stay increasing. */
  observe(iso: string | null | undefined): void {
    if (!iso) return;
    const t = Date.parse(iso);
    if (Number.isFinite(t) && t > this.lastStamp) this.lastStamp = t;
    if (Number.isFinite(t) && t > this.lastEntityStamp) this.lastEntityStamp = t;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  set(iso: string): void {
    this.offsetMs = Date.parse(iso) - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
