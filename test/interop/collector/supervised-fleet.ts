/**
 * N supervised collectors against a running Roost, over WebSocket or plain HTTP, each with its
 * own ports (a group's remote config reads them as ${env:NAME}).
 */
import { randomUUID } from 'node:crypto';
import { freePorts } from '@roost/testing';
import { collectorBinaries } from './collector-build';
import { SupervisedCollector, type StopResult } from './supervised-collector';

export type OpampTransport = 'websocket' | 'http';

export interface SupervisedFleetOptions {
  /** Roost's OpAMP URLs; the fleet uses the one of its transport. */
  readonly roost: { readonly wsUrl: string; readonly httpUrl: string };
  readonly transport: OpampTransport;
  readonly count: number;
  /** service.environment of every collector: the Roost group. */
  readonly group: string;
  /** Environment variable names; each collector gets its own free port under each. */
  readonly portNames: readonly string[];
  /** The supervisor's config_apply_timeout (default 2s). */
  readonly configApplyTimeout?: string;
  /** Each collector exports its own metrics this often once Roost offers where to; absent: off. */
  readonly ownMetricsIntervalMs?: number;
}

export interface SupervisedFleet {
  readonly collectors: readonly SupervisedCollector[];
  readonly instanceUids: readonly string[];
  byUid(instanceUid: string): SupervisedCollector;
  /** Stops every collector with SIGINT (see SupervisedCollector.stop); safe to call twice. */
  stop(): Promise<StopResult[]>;
}

export async function startSupervisedFleet(o: SupervisedFleetOptions): Promise<SupervisedFleet> {
  const binaries = await collectorBinaries();
  const serverUrl = o.transport === 'websocket' ? o.roost.wsUrl : o.roost.httpUrl;
  const collectors: SupervisedCollector[] = [];
  const picked = await freePorts(o.count * o.portNames.length);
  for (let i = 0; i < o.count; i++) {
    const ports: Record<string, number> = {};
    o.portNames.forEach((name, index) => (ports[name] = picked[i * o.portNames.length + index] as number));
    collectors.push(
      SupervisedCollector.start({ binaries, serverUrl, instanceUid: randomUUID(), group: o.group, ports, configApplyTimeout: o.configApplyTimeout, ownMetricsIntervalMs: o.ownMetricsIntervalMs }),
    );
  }
  return {
    collectors,
    instanceUids: collectors.map((c) => c.instanceUid),
    byUid: (uid) => {
      const found = collectors.find((c) => c.instanceUid === uid);
      if (found === undefined) throw new Error(`no collector with instance uid ${uid} in this fleet`);
      return found;
    },
    stop: () => Promise.all(collectors.map((c) => c.stop())),
  };
}
