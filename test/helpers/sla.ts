import { compressedTime, createClock, type Clock } from '../../lib/clock';
import type { PrismaClient } from '../../lib/db';

/**
 * A Clock on which a calendar day lasts `dayMs` of real time from now (the calendar showing `from`, default now): the one way tests make
 * deadlines (SLAs, milestone dates) arrive within seconds. Give it to a worker's activities
 * (`ctx.withWorker(fn, { clock })`); without it a worker runs on real time, where no SLA fires
 * during a test.
 */
export function compressedClock(prisma: PrismaClient, dayMs: number, from?: Date): Clock {
  return createClock({ prisma, time: compressedTime({ dayMs, from }) });
}
