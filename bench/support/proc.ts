/**
 * Process resource readings from Linux /proc: resident memory of one process, and CPU time of
 * a process or of every process with a given command name (PostgreSQL backends, Redis), so a
 * load run can say which of app, database, Redis and load client used the machine's cores.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ), for /proc/<pid>/stat times. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function rssOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * VmRSS in bytes of a process and its child processes (the app's HTTP processes when it runs
 * with WEB_CONCURRENCY > 1), or null when it is gone or /proc is not there.
 */
export function readRssBytes(pid: number): number | null {
  const own = rssOf(pid);
  if (own === null) return null;
  return childrenOf(pid).reduce((sum, child) => sum + (rssOf(child) ?? 0), own);
}

interface StatLine {
  comm: string;
  ppid: number;
  cpuSeconds: number;
}

function readStat(pid: string | number): StatLine | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const comm = text.slice(open + 1, close);
    // fields after the command: state(3) ppid(4) ... utime(14) stime(15), counted from 1
    const rest = text.slice(close + 2).split(' ');
    const utime = Number(rest[14 - 3]);
    const stime = Number(rest[15 - 3]);
    return { comm, ppid: Number(rest[4 - 3]), cpuSeconds: (utime + stime) / ticksPerSecond() };
  } catch {
    return null;
  }
}

const childrenSeen = new Map<number, { at: number; pids: number[] }>();

/**
 * The processes whose parent is `pid` (none when /proc is not there), looked up again after a
 * few seconds only: the memory sampler asks ten times a second and a /proc scan is not free.
 */
function childrenOf(pid: number): number[] {
  const seen = childrenSeen.get(pid);
  if (seen && performance.now() - seen.at < 5000) return seen.pids;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids = entries.filter((e) => /^\d+$/.test(e) && readStat(e)?.ppid === pid).map(Number);
  childrenSeen.set(pid, { at: performance.now(), pids });
  return pids;
}

/**
 * CPU seconds (user + system) used so far by a process and its live child processes (the app's
 * HTTP processes under WEB_CONCURRENCY > 1; the primary itself does nearly nothing); null when
 * the process is gone.
 */
export function readCpuSeconds(pid: number): number | null {
  const own = readStat(pid)?.cpuSeconds;
  if (own === undefined) return null;
  return childrenOf(pid).reduce((sum, child) => sum + (readStat(child)?.cpuSeconds ?? 0), own);
}

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat); null without /proc. */
export function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / ticksPerSecond();
  } catch {
    return null;
  }
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * CPU seconds used so far by every live process whose command name is one of `names`, by pid
 * (so that a delta only counts processes alive at both ends plus the new ones); `keep` filters
 * on the command line.
 */
export function cpuByCommand(names: readonly string[], keep?: (commandLine: string) => boolean): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat && names.includes(stat.comm) && (!keep || keep(cmdline(entry)))) out.set(Number(entry), stat.cpuSeconds);
  }
  return out;
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

export interface ResourceUsage {
  wallSeconds: number;
  /** cores used on average during the window (CPU seconds / wall seconds) */
  appCores: number | null;
  /** PostgreSQL: the backends of the app's database plus the server's background processes */
  postgresCores: number;
  /** everything else on the machine (other databases' backends, other people's tests...) */
  otherCores: number | null;
  redisCores: number;
  /** the benchmark process itself (load client) */
  benchCores: number;
  rssMaxBytes: number | null;
  rssMeanBytes: number | null;
  rssSamples: number;
}

/**
 * Samples the app's RSS every `intervalMs` between start() and stop(), and measures CPU used by
 * the app, PostgreSQL, Redis and this process over the same window.
 */
export class ResourceSampler {
  private timer: NodeJS.Timeout | undefined;
  private rss: number[] = [];
  private startedAt = 0;
  private appCpu0: number | null = null;
  private pg0 = new Map<number, number>();
  private redis0 = new Map<number, number>();
  private self0: NodeJS.CpuUsage = process.cpuUsage();
  private machine0: number | null = null;

  /**
   * @param databaseName the app's database: PostgreSQL backends serving other databases are
   *   counted as "other", not as PostgreSQL
   */
  constructor(
    private readonly pid: number,
    private readonly databaseName?: string,
    private readonly intervalMs = 100,
  ) {}

  private postgres(): Map<number, number> {
    const name = this.databaseName;
    // a client backend's command line names its database and its client ("127.0.0.1(40022)", "[local]")
    return cpuByCommand(['postgres'], (line) => name === undefined || line.includes(` ${name} `) || !/\(\d+\)|\[local\]/.test(line));
  }

  start(): this {
    this.rss = [];
    this.startedAt = performance.now();
    this.appCpu0 = readCpuSeconds(this.pid);
    this.pg0 = this.postgres();
    this.machine0 = machineBusySeconds();
    this.redis0 = cpuByCommand(['redis-server']);
    this.self0 = process.cpuUsage();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): ResourceUsage {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const appCpu1 = readCpuSeconds(this.pid);
    const self = process.cpuUsage(this.self0);
    const machine1 = machineBusySeconds();
    const perWall = (seconds: number): number => (wallSeconds > 0 ? seconds / wallSeconds : 0);
    const appCores = this.appCpu0 !== null && appCpu1 !== null ? perWall(appCpu1 - this.appCpu0) : null;
    const postgresCores = perWall(cpuDelta(this.pg0, this.postgres()));
    const redisCores = perWall(cpuDelta(this.redis0, cpuByCommand(['redis-server'])));
    const benchCores = perWall((self.user + self.system) / 1e6);
    const machineCores = this.machine0 !== null && machine1 !== null ? perWall(machine1 - this.machine0) : null;
    return {
      wallSeconds,
      appCores,
      postgresCores,
      otherCores: machineCores === null || appCores === null ? null : Math.max(0, machineCores - appCores - postgresCores - redisCores - benchCores),
      redisCores,
      benchCores,
      rssMaxBytes: this.rss.length ? Math.max(...this.rss) : null,
      rssMeanBytes: this.rss.length ? this.rss.reduce((a, b) => a + b, 0) / this.rss.length : null,
      rssSamples: this.rss.length,
    };
  }

  private sample(): void {
    const value = readRssBytes(this.pid);
    if (value !== null) this.rss.push(value);
  }
}

/** Several windows' usage as one: cores averaged over their whole time, RSS samples together. */
export function poolUsage(usages: readonly ResourceUsage[]): ResourceUsage {
  const wallSeconds = usages.reduce((sum, u) => sum + u.wallSeconds, 0);
  const mean = (of: (u: ResourceUsage) => number | null): number | null => {
    if (wallSeconds <= 0 || usages.some((u) => of(u) === null)) return null;
    return usages.reduce((sum, u) => sum + (of(u) ?? 0) * u.wallSeconds, 0) / wallSeconds;
  };
  const rssSamples = usages.reduce((sum, u) => sum + u.rssSamples, 0);
  const maxima = usages.map((u) => u.rssMaxBytes).filter((v): v is number => v !== null);
  return {
    wallSeconds,
    appCores: mean((u) => u.appCores),
    postgresCores: mean((u) => u.postgresCores) ?? 0,
    otherCores: mean((u) => u.otherCores),
    redisCores: mean((u) => u.redisCores) ?? 0,
    benchCores: mean((u) => u.benchCores) ?? 0,
    rssMaxBytes: maxima.length ? Math.max(...maxima) : null,
    rssMeanBytes: rssSamples > 0 ? usages.reduce((sum, u) => sum + (u.rssMeanBytes ?? 0) * u.rssSamples, 0) / rssSamples : null,
    rssSamples,
  };
}
