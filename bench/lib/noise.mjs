// Records what else loaded the machine during a run: test runs (vitest) seen in the process
// table, sampled every two seconds, and the load average, per phase of the run (`mark`).
// A figure taken while tests ran is noise.
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";

function vitestRunning() {
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("vitest")) return true;
    } catch {}
  }
  return false;
}

export function watchNoise() {
  let samples = 0;
  let withTests = 0;
  let label = "setup";
  const phasesWithTests = {};
  const loads = [];
  const tick = () => {
    samples++;
    if (vitestRunning()) {
      withTests++;
      phasesWithTests[label] = (phasesWithTests[label] ?? 0) + 1;
    }
    loads.push(loadavg()[0]);
  };
  tick();
  const timer = setInterval(tick, 2000);
  timer.unref();
  return {
    /** Names the phase that the following samples belong to. */
    mark(name) {
      label = name;
    },
    stop() {
      clearInterval(timer);
      return { samples, samplesWithTestRun: withTests, phasesWithTestRun: phasesWithTests, maxLoadAverage1m: +Math.max(...loads).toFixed(2) };
    },
  };
}
