import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHaproxy } from './haproxy';

/** A backend that answers every request with its name. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_, response) => response.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Four requests over one keep-alive connection; the backend names that answered. */
async function fourRequests(url: string): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers: string[] = [];
  for (let index = 0; index < 4; index++) {
    answers.push(
      await new Promise<string>((resolve, reject) => {
        request(url, { agent }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      }),
    );
  }
  agent.destroy();
  return answers;
}

describe('haproxy test balancer', () => {
  const backends: { server: Server; port: number }[] = [];

  beforeAll(async () => {
    backends.push(await backend('a'), await backend('b'));
  });

  afterAll(async () => {
    await Promise.all(backends.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });

  it('in http mode sends each request of one connection to the next backend in turn', async () => {
    const balancer = await startHaproxy({ mode: 'http', backendPorts: backends.map(({ port }) => port) });
    try {
      const answers = await fourRequests(balancer.url);
      expect(new Set(answers)).toEqual(new Set(['a', 'b']));
      expect(answers[0]).not.toBe(answers[1]);
    } finally {
      await balancer.stop();
    }
  });

  it('in tcp mode keeps one connection on one backend', async () => {
    const balancer = await startHaproxy({ mode: 'tcp', backendPorts: backends.map(({ port }) => port) });
    try {
      const answers = await fourRequests(balancer.url);
      expect(new Set(answers).size).toBe(1);
    } finally {
      await balancer.stop();
    }
  });
});
