import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually } from './eventually';
import { findServerBinary } from './server-binary';
import { startTestServer, type ServerRecipe, type TestServer } from './test-server';

/** A Redis primary, its replica and three Sentinels watching them, all private to a test. */
export interface TestRedisSentinels {
  /** The Sentinels' name of the primary. */
  readonly master: string;
  /** `127.0.0.1:port,...` as REDIS_SENTINELS takes it. */
  readonly sentinelList: string;
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  /** The two data servers; which one is primary changes with failovers. */
  readonly servers: readonly TestServer[];
  /** Port of the primary the Sentinels name now. */
  primaryPort(): Promise<number>;
  /** Asks the Sentinels to fail the primary over (SENTINEL FAILOVER) and waits until the replica leads. */
  failover(): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

const MASTER = 'roost-test';

function dataServer(binary: string, replicaOf: number | null): ServerRecipe {
  return {
    name: replicaOf === null ? 'redis-primary' : 'redis-replica',
    binary,
    scheme: 'redis',
    readyLine: /Ready to accept connections/,
    args: (port, dataDir) => [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dataDir,
      '--daemonize', 'no',
      '--protected-mode', 'no',
      ...(replicaOf === null ? [] : ['--replicaof', '127.0.0.1', String(replicaOf)]),
    ],
  };
}

function sentinel(binary: string, primaryPort: number): ServerRecipe {
  return {
    name: 'redis-sentinel',
    binary,
    scheme: 'redis',
    readyLine: /\+monitor master/,
    args: (port, dataDir) => {
      // Sentinel rewrites its config file, so each one gets its own in its data dir.
      const file = join(dataDir, 'sentinel.conf');
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode no',
          `dir ${dataDir}`,
          `sentinel monitor ${MASTER} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${MASTER} 1000`,
          `sentinel failover-timeout ${MASTER} 10000`,
          `sentinel parallel-syncs ${MASTER} 1`,
          '',
        ].join('\n'),
      );
      return [file];
    },
  };
}

/**
 * Starts redis-server as primary and replica, then three redis-sentinel processes (Debian's
 * packages redis-server and redis-sentinel) on free ports; resolves once the replica is in sync
 * and every Sentinel knows both.
 */
export async function startRedisSentinels(): Promise<TestRedisSentinels> {
  const serverBinary = findServerBinary('redis-server', 'redis-server');
  const sentinelBinary = findServerBinary('redis-sentinel', 'redis-sentinel');
  const started: TestServer[] = [];
  try {
    const primary = await startTestServer(dataServer(serverBinary, null));
    started.push(primary);
    const replica = await startTestServer(dataServer(serverBinary, primary.port));
    started.push(replica);
    await eventually(async () => /master_link_status:up/.test(await command(replica.port, ['INFO', 'replication'])), { timeoutMs: 20_000, intervalMs: 100, what: 'the replica to sync' });
    const watchers = await Promise.all([1, 2, 3].map(() => startTestServer(sentinel(sentinelBinary, primary.port))));
    started.push(...watchers);
    const set = new SentinelSet([primary, replica], watchers);
    await eventually(async () => (await Promise.all(watchers.map(async (w) => /slaves=1,sentinels=3/.test(await command(w.port, ['INFO', 'sentinel']))))).every(Boolean), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'every Sentinel to see the replica',
    });
    return set;
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

class SentinelSet implements TestRedisSentinels {
  readonly master = MASTER;
  readonly sentinels: { host: string; port: number }[];
  readonly sentinelList: string;
  /** The Sentinel this harness asks. */
  private readonly asked: number;

  constructor(
    readonly servers: readonly TestServer[],
    private readonly watchers: readonly TestServer[],
  ) {
    this.sentinels = watchers.map((w) => ({ host: '127.0.0.1', port: w.port }));
    this.sentinelList = this.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    this.asked = watchers[0]?.port ?? 0;
  }

  async primaryPort(): Promise<number> {
    const reply = await command(this.asked, ['SENTINEL', 'get-master-addr-by-name', MASTER]);
    const port = Number(reply.split('\r\n').filter((line) => /^\d+$/.test(line))[0]);
    if (!Number.isInteger(port) || port === 0) throw new Error(`no primary port in the Sentinel's reply ${JSON.stringify(reply)}`);
    return port;
  }

  async failover(): Promise<{ from: number; to: number }> {
    const from = await this.primaryPort();
    const reply = await command(this.asked, ['SENTINEL', 'FAILOVER', MASTER]);
    if (!reply.startsWith('+OK')) throw new Error(`SENTINEL FAILOVER refused: ${reply.trim()}`);
    const to = await eventually(
      async () => {
        const now = await this.primaryPort();
        return now !== from && /role:master/.test(await command(now, ['INFO', 'replication'])) && now;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the Sentinels to name the replica primary' },
    );
    return { from, to };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watchers, ...this.servers].map((server) => server.stop()));
  }
}

/** One command in RESP over a fresh connection; the raw reply text (enough for INFO and SENTINEL). */
function command(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no reply from 127.0.0.1:${port} to ${args.join(' ')}`)), 3_000);
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (complete(reply)) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** True once a RESP reply (simple, error, integer, bulk or flat array of bulks) has fully arrived. */
function complete(reply: string): boolean {
  const kind = reply[0];
  if (kind === '+' || kind === '-' || kind === ':') return reply.endsWith('\r\n');
  if (kind === '$') {
    const length = Number(reply.slice(1, reply.indexOf('\r\n')));
    return length < 0 || Buffer.byteLength(reply) >= reply.indexOf('\r\n') + 2 + length + 2;
  }
  if (kind === '*') {
    const count = Number(reply.slice(1, reply.indexOf('\r\n')));
    return count <= 0 || reply.split('\r\n').length - 1 >= 1 + count * 2;
  }
  return false;
}
