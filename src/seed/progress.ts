/**
 * A progress bar with a rate and an ETA, on stderr. On a terminal it redraws one line; otherwise
 * (CI, a pipe) it prints a line every 10%.
 */
export class Progress {
  private readonly startedAt = performance.now();
  private done = 0;
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'cases',
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  tick(n: number, extra = ''): void {
    this.done += n;
    if (!this.enabled) return;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw < 150 && this.done < this.total) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line(extra)}\x1b[K`);
    } else {
      const decile = Math.floor((this.done / Math.max(1, this.total)) * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.out.write(`${this.line(extra)}\n`);
    }
  }

  finish(extra = ''): number {
    const seconds = (performance.now() - this.startedAt) / 1000;
    // without a terminal the 100% line is already printed by tick()
    if (this.enabled && (this.tty || this.lastDecile < 10)) this.out.write(`${this.tty ? '\r' : ''}${this.line(extra)}${this.tty ? '\x1b[K\n' : '\n'}`);
    return seconds;
  }

  private line(extra: string): string {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const width = 28;
    const filled = Math.round(fraction * width);
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 && this.done < this.total ? `ETA ${formatDuration((this.total - this.done) / rate)}` : `${formatDuration(seconds)}`;
    return (
      `[seed] ${this.label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(Math.floor(fraction * 100)).padStart(3)}% ` +
      `${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${this.unit}, ${Math.round(rate).toLocaleString('en-US')}/s, ${eta}${extra ? `, ${extra}` : ''}`
    );
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}
