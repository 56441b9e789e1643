import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the system picks it), for servers a test or benchmark starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether nothing listens on 127.0.0.1:`port` now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A base port whose derived ports (`portsOf(base)`, e.g. the Temporal server's nine) are all free
 * now, picked at random between 21,000 and 28,990: away from the dev server's 7233 and the
 * ephemeral range.
 */
export async function freePortBlock(portsOf: (base: number) => Record<string, number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 21_000 + Math.floor(Math.random() * 800) * 10;
    if ((await Promise.all(Object.values(portsOf(base)).map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free block of ports found');
}
