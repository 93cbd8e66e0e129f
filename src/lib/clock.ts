/**
 * The one source of "now" for services, so expiries, crons and windows can be
 * tested by handing in a fixed or advancing clock instead of the wall clock.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const iso = (ms: number) => new Date(ms).toISOString();
