// Locks the vault after a quiet period. Every contract call and the renderer's activity pings
// push the deadline back; the timer is unref'd so it never keeps a process alive.
export class IdleLock {
  private timer: NodeJS.Timeout | null = null;
  private minutes = 15;
  private deadline: number | null = null;

  constructor(private readonly onIdle: () => void) {}

  start(minutes: number): void {
    this.minutes = minutes;
    this.touch();
  }

  /** Returns the new deadline (epoch ms). */
  touch(): number {
    if (this.timer) clearTimeout(this.timer);
    const ms = this.minutes * 60_000;
    this.deadline = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.deadline = null;
      this.onIdle();
    }, ms);
    this.timer.unref?.();
    return this.deadline;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.deadline = null;
  }
}
