import { createServer, type Server } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it for listen(0)). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/**
 * `count` distinct ports that were free a moment ago: each is held until all are picked, so the
 * OS cannot hand the same one out twice (it may, to listen(0) calls made one after another).
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    const ports: number[] = [];
    for (let index = 0; index < count; index++) ports.push(await listenOnAnyPort(held));
    return ports;
  } finally {
    await Promise.all(held.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function listenOnAnyPort(held: Server[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      held.push(server);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      if (port > 0) resolve(port);
      else reject(new Error('listen(0) returned no port'));
    });
  });
}
