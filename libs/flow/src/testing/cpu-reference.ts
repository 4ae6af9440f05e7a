/**
 * A CPU yardstick for tests that bound work in CPU time: a fixed job (JSON of ~1.7 MB, parsed four
 * times and written once) measured now, on this machine, under its current load. A bound written as
 * "at most N yardsticks" holds on a busy CI machine, where a CPU millisecond does less work (2 shared
 * cores: 35-50 ms quiet, 50-60 at a load of 8), and still fails on a regression of 10x or more.
 */
const JOB = JSON.stringify({
  items: Array.from({ length: 20000 }, (_, i) => ({
    id: i,
    name: `node-${i}`,
    config: { url: `http://crm.example/${i}`, n: i * 1.5, ok: i % 2 === 0 },
  })),
});

function once(): number {
  const t0 = process.cpuUsage();
  for (let k = 0; k < 3; k++) JSON.parse(JOB);
  JSON.stringify(JSON.parse(JOB));
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000;
}

/** The yardstick in CPU ms: the median of five runs of the job (after one to warm up). */
export function cpuYardstickMs(): number {
  once();
  const runs = Array.from({ length: 5 }, once).sort((a, b) => a - b);
  return runs[2]!;
}
