import os from 'node:os';

/** The machine a run was measured on. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  loadBefore: string;
  loadAfter: string;
  /** The 1-minute load average sampled every 5 s during the run: lowest and highest. */
  loadDuring: string | undefined;
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
}

/** Samples the 1-minute load average every 5 s until stopped; returns `lowest–highest`. */
export function sampleLoad(): () => string {
  const samples = [os.loadavg()[0] as number];
  const timer = setInterval(() => samples.push(os.loadavg()[0] as number), 5000);
  timer.unref();
  return () => {
    clearInterval(timer);
    return `${Math.min(...samples).toFixed(2)}–${Math.max(...samples).toFixed(2)}`;
  };
}

/** Describes this machine; `loadBefore` is taken by the caller before anything starts. */
export function describeMachine(loadBefore: string, loadDuring?: string): MachineInfo {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadBefore,
    loadAfter: loadAverage(),
    loadDuring,
  };
}
