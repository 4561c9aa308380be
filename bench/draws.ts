/**
 * Seeded draws for the critical-path bench (issue 15): log-normal Azure durations, so the product and
 * the reference pollers see the same deploys. mulberry32 for uniforms, Box-Muller for normals.
 */

/** One deploy's simulated Azure durations (ms) and whether its revision is unhealthy until restarted. */
export interface DeployDraw {
  buildMs: number;
  provisioningMs: number;
  activatingMs: number;
  healthyMs: number;
  unhealthyUntilRestarted: boolean;
}

/** A seeded uniform generator in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormal(random: () => number, medianMs: number, sigma: number, minMs: number, maxMs: number): number {
  const u1 = Math.max(random(), 1e-12);
  const u2 = random();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  // Whole seconds: the virtual clock and the timelines work in seconds.
  return Math.round(Math.min(maxMs, Math.max(minMs, medianMs * Math.exp(sigma * normal))) / 1000) * 1000;
}

/**
 * `count` draws: build median 90 s (20 s to 40 min; sigma so that 40 min is three sigmas out),
 * provisioning median 45 s, health settling median 20 s, activation a fixed 10 s, 5% unhealthy until restarted.
 */
export function drawDeploys(count: number, seed: number): DeployDraw[] {
  const random = mulberry32(seed);
  const draws: DeployDraw[] = [];
  for (let i = 0; i < count; i++) {
    draws.push({
      buildMs: logNormal(random, 90_000, Math.log(2_400 / 90) / 3, 20_000, 2_400_000),
      provisioningMs: logNormal(random, 45_000, 0.5, 5_000, 600_000),
      activatingMs: 10_000,
      healthyMs: logNormal(random, 20_000, 0.5, 2_000, 300_000),
      unhealthyUntilRestarted: random() < 0.05,
    });
  }
  return draws;
}

/** A fixed-interval poller's view of a wait of `durationMs`: polls until it sees the end; lag past it. */
export function fixedPoller(durationMs: number, intervalMs: number): { polls: number; lagMs: number } {
  const polls = Math.max(1, Math.ceil(durationMs / intervalMs));
  return { polls, lagMs: polls * intervalMs - durationMs };
}
