/**
 * mulberry32: a small generator with well-mixed bits. Seeded, so a test (or a chaos run) makes the same
 * choices every time it runs with the same seed. Each call gives a whole number below `n`.
 */
export function mulberry32(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}
