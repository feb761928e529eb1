/**
 * A table of Europe/Paris days for the demo data's time window, so that millions of instants can
 * be placed on Paris days without an Intl call each. Due dates come from the service-level
 * functions themselves (src/domain/service-level.ts), memoised by Paris day: they depend on the
 * day of their input only, so one call per distinct day gives exactly what the app computes.
 */
import { addCalendarDays, compareDays, isBusinessDay, startOfParisDay, type ParisDay } from '../domain/business-calendar';
import { decisionDueAfterPause, decisionDueAt, firstResponseDueAt } from '../domain/service-level';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class DemoCalendar {
  readonly days: ParisDay[] = [];
  /** startOfParisDay of each day, ms */
  readonly startMs: number[] = [];
  readonly business: boolean[] = [];
  private readonly indexOf = new Map<ParisDay, number>();
  private readonly firstDueMemo = new Map<number, Date>();
  private readonly decisionDueMemo = new Map<number, Date>();
  private readonly pauseMemo = new Map<string, Date>();

  constructor(firstDay: ParisDay, lastDay: ParisDay) {
    for (let day = firstDay; compareDays(day, lastDay) <= 0; day = addCalendarDays(day, 1)) {
      this.indexOf.set(day, this.days.length);
      this.days.push(day);
      this.startMs.push(startOfParisDay(day).getTime());
      this.business.push(isBusinessDay(day));
    }
  }

  get length(): number {
    return this.days.length;
  }

  index(day: ParisDay): number {
    const i = this.indexOf.get(day);
    if (i === undefined) throw new RangeError(`${day} is outside the demo calendar (${this.days[0]}..${this.days[this.days.length - 1]})`);
    return i;
  }

  /** The index of the Paris day of an instant (ms). */
  dayOf(ms: number): number {
    let i = Math.floor((ms - this.startMs[0]) / DAY);
    if (i < 0 || i >= this.days.length) throw new RangeError(`${new Date(ms).toISOString()} is outside the demo calendar`);
    while (i + 1 < this.days.length && this.startMs[i + 1] <= ms) i++;
    while (i > 0 && this.startMs[i] > ms) i--;
    return i;
  }

  /** An instant on day `i`, `hours` after Paris midnight (wall clock, but for the DST days' hour). */
  at(i: number, hours: number): number {
    return this.startMs[i] + Math.round(hours * HOUR);
  }

  /** The next instant at or after `ms` when staff are at work (business day, 08:30–19:00); `jitterHours` after the opening when moved. */
  staffTime(ms: number, jitterHours: number): number {
    let i = this.dayOf(ms);
    const hourOfDay = (ms - this.startMs[i]) / HOUR;
    if (this.business[i] && hourOfDay >= 8.5 && hourOfDay < 19) return ms;
    if (!(this.business[i] && hourOfDay < 8.5)) {
      i++;
      while (i < this.days.length && !this.business[i]) i++;
      if (i >= this.days.length) return ms;
    }
    return this.at(i, 8.5 + jitterHours);
  }

  /** firstResponseDueAt(submittedAt), for a submission on day `i`. */
  firstResponseDue(i: number): Date {
    let due = this.firstDueMemo.get(i);
    if (!due) {
      due = firstResponseDueAt(new Date(this.at(i, 12)));
      this.firstDueMemo.set(i, due);
    }
    return due;
  }

  /** decisionDueAt(submittedAt), for a submission on day `i`. */
  decisionDue(i: number): Date {
    let due = this.decisionDueMemo.get(i);
    if (!due) {
      due = decisionDueAt(new Date(this.at(i, 12)));
      this.decisionDueMemo.set(i, due);
    }
    return due;
  }

  /**
   * decisionDueAfterPause(due, pausedAt, resumedAt) for a pause from day `paused` to day
   * `resumed`; it depends on the due date and the number of business days of the pause only.
   */
  afterPause(due: Date, paused: number, resumed: number): Date {
    let businessDays = 0;
    for (let i = paused + 1; i <= resumed; i++) if (this.business[i]) businessDays++;
    const key = `${due.getTime()}|${businessDays}`;
    let moved = this.pauseMemo.get(key);
    if (!moved) {
      moved = decisionDueAfterPause(due, new Date(this.at(paused, 12)), new Date(this.at(resumed, 12)));
      this.pauseMemo.set(key, moved);
    }
    return moved;
  }

  /**
   * When a running clock due at `due` becomes "at risk" (serviceLevelState): from the start of
   * the business day before the due day (then the next business day's end is the due date).
   */
  atRiskFrom(due: Date): number {
    let i = this.dayOf(due.getTime()) - 1;
    while (i > 0 && !this.business[i]) i--;
    return this.startMs[i];
  }
}
