/** Tranches over the milestones: 40/40/20 for three; generally 20% held for the last one. */
export function trancheSchedule(totalCents: number, milestones: number): number[] {
  if (milestones <= 1) return [totalCents];
  const last = Math.round(totalCents * 0.2);
  const share = Math.floor((totalCents - last) / (milestones - 1));
  const out = Array.from({ length: milestones - 1 }, () => share);
  out.push(totalCents - share * (milestones - 1));
  return out;
}
