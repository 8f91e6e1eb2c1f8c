/**
 * The emulator's clock: real time plus an offset that tests move through `/_emulator/clock`.
 * It drives token expiry, rate-limit windows, date presets and every timestamp the emulator issues.
 */
export class Clock {
  private offsetMs = 0;
  private lastStamp = 0;

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
   * A write timestamp. Port's `updatedAt` values must strictly increase so that `before` filters and
   * resync-request watermarks never tie: two writes in the same millisecond get +1 ms.
   */
  stamp(): string {
    const t = Math.max(this.now(), this.lastStamp + 1);
    this.lastStamp = t;
    return new Date(t).toISOString();
  }

  /** Remember timestamps already issued (after a restart from a file) so stamps stay increasing. */
  observe(iso: string | null | undefined): void {
    if (!iso) return;
    const t = Date.parse(iso);
    if (Number.isFinite(t) && t > this.lastStamp) this.lastStamp = t;
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
