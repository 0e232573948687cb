/**
 * CPU profiles of the measured phases only: with BENCH_PROFILE_DIR set, the server process
 * records each delivery round (push to last APPLIED) and each status step with the inspector
 * and writes `<dir>/<kind>-delivery-<round>.cpuprofile` and `<dir>/<kind>-status-<per
 * second>.cpuprofile`; without it, nothing is recorded. (`--cpu-prof`
 * covers a process's whole life: connecting, preparing and tearing down as well.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const directory = process.env['BENCH_PROFILE_DIR'];

export interface RoundProfiler {
  start(): Promise<void>;
  stop(name: string): Promise<void>;
}

export function createRoundProfiler(): RoundProfiler {
  if (!directory) return { start: async () => undefined, stop: async () => undefined };
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  mkdirSync(directory, { recursive: true });
  return {
    start: async () => {
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    stop: async (name) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(join(directory, `${name}.cpuprofile`), JSON.stringify(profile));
    },
  };
}
