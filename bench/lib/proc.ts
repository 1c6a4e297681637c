// CPU accounting from /proc (Linux): how much CPU a process (and, for Postgres, its backends)
// spent between two points, independent of wall-clock time and of whoever else shares the cores.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

/** Kernel clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime of the process itself (all its threads), in ticks. */
  own: number;
  /** cutime + cstime: CPU of children it has waited for, in ticks. */
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // comm is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const comm = text.slice(open + 1, close);
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
  const f = (n: number) => Number(fields[n - 3]);
  return { pid, comm, ppid: f(4), own: f(14) + f(15), reaped: f(16) + f(17) };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** CPU milliseconds (user + system, all threads) a process has used so far. */
export function processCpuMs(pid: number): number {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return (stat.own * 1000) / clockTicks();
}

/**
 * CPU nanoseconds a process's threads have run so far (sum of /proc/<pid>/task/<tid>/schedstat):
 * scheduler-precise, for short measurements where 10 ms ticks are too coarse. Threads that have
 * exited are not included, so compare only across spans where the process keeps its threads.
 */
export function processCpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread just exited
    }
  }
  return total;
}

/** Pids of live processes named `comm` whose parent is `parent`. */
export function childPids(parent: number, comm: string): number[] {
  return allStats()
    .filter((s) => s.ppid === parent && s.comm === comm)
    .map((s) => s.pid);
}

/**
 * CPU milliseconds used by a Postgres server: the postmaster, every live child (backends,
 * background workers) and every child already exited and reaped (per-request connections end
 * within the run, so their CPU lands in the postmaster's cutime/cstime).
 */
export function postgresCpuMs(postmasterPid: number): number {
  const stats = allStats();
  const root = stats.find((s) => s.pid === postmasterPid);
  if (!root) throw new Error(`postmaster ${postmasterPid} is gone`);
  let ticks = root.own + root.reaped;
  for (const s of stats) if (s.ppid === postmasterPid) ticks += s.own;
  return (ticks * 1000) / clockTicks();
}
