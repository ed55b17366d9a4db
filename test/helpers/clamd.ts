import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startClamdProcess, type ClamdProcess } from '../../lib/clamd-process';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A real clamd with the repository's test signature only, on a free port; its folder under the temp folder. */
export async function startTestClamd(
  opts: { maxFileMb?: number; maxScanMb?: number; port?: number } = {},
): Promise<ClamdProcess & { dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clamd-test-'));
  const port = opts.port ?? (await freePort());
  const clamd = await startClamdProcess({ dir, port, maxFileMb: opts.maxFileMb ?? 20, maxScanMb: opts.maxScanMb });
  return {
    ...clamd,
    dir,
    async stop() {
      await clamd.stop();
    },
  };
}
