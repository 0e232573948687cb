import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';
import { freePorts } from './free-port';
import { ManagedProcess, type ProcessSpec } from './managed-process';
import { findServerBinary } from './server-binary';

/** One nats-server of a test cluster; its ports and store dir stay the same across restarts. */
export interface NatsClusterNode {
  /** JetStream server name, as stream and meta leaders are reported (`n1`, `n2`, ...). */
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  /** SIGKILL, as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store, rejoining the cluster. */
  restart(): Promise<void>;
  /** SIGSTOP: frozen with its sockets open (a hung host, a minority partition). */
  pause(): void;
  resume(): void;
}

export interface TestNatsCluster {
  readonly nodes: readonly NatsClusterNode[];
  /** Every node's client URL, comma-separated, as NATS_URL takes them. */
  readonly url: string;
  node(name: string): NatsClusterNode;
  /** Name of the JetStream meta leader, asked of a running node's monitoring endpoint. */
  metaLeader(): Promise<string>;
  /** Resolves once every running node reports JetStream healthy (meta leader known, streams current). */
  healthy(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the store dirs. Call it in afterAll. */
  stop(): Promise<void>;
}

interface NodePorts {
  readonly name: string;
  readonly client: number;
  readonly route: number;
  readonly monitor: number;
}

const CLUSTER_NAME = 'roost-test';

/**
 * Starts `size` nats-servers with JetStream, clustered over loopback routes, each with its own
 * store dir and free ports; resolves once the cluster has a meta leader. Works with Debian's
 * nats-server (v2.9.x).
 */
export async function startNatsCluster(size = 3): Promise<TestNatsCluster> {
  const binary = findServerBinary('nats-server', 'nats-server');
  const root = await mkdtemp(join(tmpdir(), 'roost-nats-cluster-'));
  const picked = await freePorts(size * 3);
  const ports: NodePorts[] = Array.from({ length: size }, (_, index) => {
    const [client, route, monitor] = picked.slice(index * 3, index * 3 + 3) as [number, number, number];
    return { name: `n${index + 1}`, client, route, monitor };
  });
  const nodes = await Promise.all(ports.map(async (node) => {
    const config = join(root, `${node.name}.conf`);
    await writeFile(config, configFor(node, ports, join(root, node.name)));
    return new ClusterNode(node, { name: `nats-server ${node.name}`, binary, args: ['-c', config], port: node.client, readyLine: /Server is ready/, readyTimeoutMs: 30_000 });
  }));
  const cluster = new RunningCluster(nodes, root);
  try {
    await Promise.all(nodes.map((node) => node.restart()));
    await cluster.healthy(60_000);
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

function configFor(node: NodePorts, all: readonly NodePorts[], storeDir: string): string {
  const routes = all.filter((other) => other !== node).map((other) => `nats://127.0.0.1:${other.route}`);
  return [
    `server_name: ${node.name}`,
    `listen: 127.0.0.1:${node.client}`,
    `http: 127.0.0.1:${node.monitor}`,
    `jetstream { store_dir: "${storeDir}" }`,
    `cluster { name: ${CLUSTER_NAME}, listen: 127.0.0.1:${node.route}, routes: [${routes.join(', ')}] }`,
    '',
  ].join('\n');
}

class ClusterNode implements NatsClusterNode {
  private process: ManagedProcess | null = null;
  /** SIGSTOPped: alive, but answers nothing. */
  paused = false;

  constructor(
    private readonly ports: NodePorts,
    private readonly spec: ProcessSpec,
  ) {}

  get name(): string {
    return this.ports.name;
  }

  get port(): number {
    return this.ports.client;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.ports.client}`;
  }

  get monitorUrl(): string {
    return `http://127.0.0.1:${this.ports.monitor}`;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  async kill(): Promise<void> {
    await this.process?.kill('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.process?.kill('SIGKILL');
    this.paused = false;
    this.process = await ManagedProcess.start(this.spec);
  }

  pause(): void {
    this.process?.pause();
    this.paused = true;
  }

  resume(): void {
    this.process?.resume();
    this.paused = false;
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }
}

interface Jsz {
  readonly meta_cluster?: { readonly leader?: string };
}

class RunningCluster implements TestNatsCluster {
  readonly url: string;

  constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly root: string,
  ) {
    this.url = nodes.map((node) => node.url).join(',');
  }

  node(name: string): NatsClusterNode {
    const found = this.nodes.find((node) => node.name === name);
    if (!found) throw new Error(`no node ${name} in the test cluster (${this.nodes.map((n) => n.name).join(', ')})`);
    return found;
  }

  private reachable(): ClusterNode[] {
    return this.nodes.filter((node) => node.running && !node.paused);
  }

  async metaLeader(): Promise<string> {
    return eventually(
      async () => {
        for (const node of this.reachable()) {
          const jsz = (await fetchJson(`${node.monitorUrl}/jsz`)) as Jsz | undefined;
          if (jsz?.meta_cluster?.leader) return jsz.meta_cluster.leader;
        }
        return undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'a JetStream meta leader' },
    );
  }

  async healthy(timeoutMs = 30_000): Promise<void> {
    await eventually(
      async () => {
        const results = await Promise.all(this.reachable().map(async (node) => (await fetchStatus(`${node.monitorUrl}/healthz`)) === 200));
        return results.length > 0 && results.every(Boolean);
      },
      { timeoutMs, intervalMs: 200, what: 'every running NATS node to report JetStream healthy' },
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    await rm(this.root, { recursive: true, force: true });
  }
}

async function fetchStatus(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

async function fetchJson(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
