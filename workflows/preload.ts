/**
 * Modules the worker's reusable V8 context loads once and shares between every workflow it holds
 * (the bundle's `preloadModules`, see worker/workflows-path.ts). Without this, each cached workflow
 * evaluates zod afresh: about 0.8 MB of heap and half the cost of bringing a workflow into the cache.
 *
 * Only stateless code belongs here. The SDK deep-freezes what it shares, so a value that zod
 * computes lazily and stores on a shared object must be computed now, before the freeze: zod
 * caches whether `new Function` is allowed the first time it parses an object.
 */
import { iso, z } from 'zod';

// Every zod entry the workflow code imports (`z` and `iso`), so none is left to evaluate per workflow.
z.object({ warm: z.string(), day: iso.date() }).parse({ warm: '', day: '2026-01-01' });

export const preloaded = true;
