import type { FleetEvent } from '@roost/contracts';
import { defaultGroupOf } from '@roost/fleet';
import { agentCapabilityNames } from '@roost/opamp';
import type { ViewWrite } from '@roost/ports';
import { agentEventLogWrite } from './agent-event-log';
import type { FragmentReader, FragmentRef } from './fragments';
import { fleetKeys, UNGROUPED } from './view-keys';

export type HealthState = 'healthy' | 'unhealthy' | 'unknown';

/** The part of an agent's detail that its counters depend on. */
interface CountedShape {
  readonly group: string;
  readonly connected: boolean;
  readonly health: HealthState;
  readonly configHash: string;
}

/** What a fleet event needs of the stored agent, kept in one field (`counted`) so it is one read. */
interface StoredShape extends CountedShape {
  readonly firstSeenAt: number;
  readonly gatewayId: string;
  /** 53-bit fingerprint of the description fields; they are rewritten only when it changes. */
  readonly described: string;
  /** Events recorded in the agent's event log so far (absent in views of earlier Roosts: 0). */
  readonly events?: number;
}

const SHAPE_FIELD = 'counted';

export function fleetEventReads(event: FleetEvent): FragmentRef[] {
  return [{ key: fleetKeys.agent(event.agentId), field: SHAPE_FIELD }];
}

/** No config reported: counted under this name in `config.<hash>`. */
export const NO_CONFIG = 'none';

/** A disconnected agent's last health report is stale: it counts as unknown, never as healthy. */
function healthOf(snapshot: FleetEvent['snapshot'], connected: boolean): HealthState {
  if (snapshot.health === null || !connected) return 'unknown';
  return snapshot.health.healthy ? 'healthy' : 'unhealthy';
}

/**
 * What the agent runs, as fleet counts compare it: the remote config it reported APPLIED (the
 * config Roost set), else its effective config, else none. The remote config comes first because
 * an effective config carries per-instance data (the collector supervisor adds the agent's
 * instance id, its local OpAMP port, its parent pid): a group all APPLIED on one config would
 * otherwise count one config per agent and never look converged. The effective config hash stays
 * in the agent detail.
 */
function currentConfigOf(snapshot: FleetEvent['snapshot']): string {
  const status = snapshot.remoteConfigStatus;
  if (status !== null && status.status === 'APPLIED' && status.hash !== '') return status.hash;
  if (snapshot.effectiveConfigHash !== null && snapshot.effectiveConfigHash !== '') return snapshot.effectiveConfigHash;
  return NO_CONFIG;
}

function countersOf(shape: CountedShape): Array<{ key: string; field: string }> {
  const fields = ['agents', `connection.${shape.connected ? 'connected' : 'disconnected'}`, `health.${shape.health}`, `config.${shape.configHash}`];
  return [
    ...fields.map((field) => ({ key: fleetKeys.summary, field })),
    ...fields.map((field) => ({ key: fleetKeys.group(shape.group), field })),
    { key: fleetKeys.groups, field: shape.group },
  ];
}

function counterWrites(before: CountedShape | null, after: CountedShape): ViewWrite[] {
  // Nine counters a side, no counter twice in one: a pairwise comparison is cheaper than any map.
  const left = before === null ? [] : countersOf(before);
  const right = countersOf(after);
  const writes: ViewWrite[] = [];
  for (const c of left) if (!right.some((d) => d.key === c.key && d.field === c.field)) writes.push({ op: 'hincrby', key: c.key, field: c.field, by: -1 });
  for (const c of right) if (!left.some((d) => d.key === c.key && d.field === c.field)) writes.push({ op: 'hincrby', key: c.key, field: c.field, by: 1 });
  return writes;
}

function storedShape(fragments: FragmentReader, agentId: string): StoredShape | null {
  return fragments.readJson<StoredShape>({ key: fleetKeys.agent(agentId), field: SHAPE_FIELD });
}

/**
 * The writes of one fleet event. Every event carries the agent's whole snapshot, so the detail
 * is overwritten, the counters move from the stored shape to the new one and the event goes into
 * the agent's event log. A `disconnected`
 * from a gateway that no longer holds the agent (it reconnected elsewhere first) is stale and
 * changes nothing.
 */
export function projectFleetEvent(event: FleetEvent, fragments: FragmentReader): ViewWrite[] {
  const { snapshot, agentId } = event;
  const before = storedShape(fragments, agentId);
  if (event.type === 'disconnected' && before !== null && before.gatewayId !== '' && before.gatewayId !== snapshot.gatewayId) return [];
  const connected = event.type === 'disconnected' ? false : snapshot.connected;
  const after: CountedShape = {
    group: defaultGroupOf(snapshot) ?? UNGROUPED,
    connected,
    health: healthOf(snapshot, connected),
    configHash: currentConfigOf(snapshot),
  };
  const firstSeenAt = before?.firstSeenAt ?? event.at;
  const writes = counterWrites(before, after);
  const description = descriptionFields(event, after.group, firstSeenAt);
  const described = fingerprint(Object.values(description).join('\u0001'));
  const events = (before?.events ?? 0) + 1;
  writes.push(agentEventLogWrite(event, events));
  const shape: StoredShape = { ...after, firstSeenAt, gatewayId: snapshot.gatewayId, described, events };
  // Built in place, in the order the views have always stored them: description, state, shape.
  const fields: Record<string, string> = before?.described === described ? {} : description;
  putStateFields(fields, event, after);
  fields[SHAPE_FIELD] = JSON.stringify(shape);
  writes.push({ op: 'hset', key: fleetKeys.agent(agentId), fields });
  if (before === null) writes.push({ op: 'zadd', key: fleetKeys.agents, members: [{ member: agentId, score: firstSeenAt }] });
  if (before === null || before.group !== after.group) {
    if (before !== null) writes.push({ op: 'zrem', key: fleetKeys.groupAgents(before.group), members: [agentId] });
    writes.push({ op: 'zadd', key: fleetKeys.groupAgents(after.group), members: [{ member: agentId, score: firstSeenAt }] });
  }
  return writes;
}

/** cyrb53: a fast 53-bit string hash (not cryptographic; a collision costs one skipped rewrite). */
function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Capability names by bit set: a fleet has a handful of distinct values, each decoded once. */
const capabilityNamesCache = new Map<number, string>();

function capabilityNamesJson(capabilities: number): string {
  let names = capabilityNamesCache.get(capabilities);
  if (names === undefined) {
    names = JSON.stringify(agentCapabilityNames(capabilities));
    if (capabilityNamesCache.size < 1024) capabilityNamesCache.set(capabilities, names);
  }
  return names;
}

/** The detail fields that change only with the agent's description, its client certificate or its enrolment token (rare). */
function descriptionFields(event: FleetEvent, group: string, firstSeenAt: number): Record<string, string> {
  const { snapshot } = event;
  return {
    agent_id: event.agentId,
    transport: snapshot.transport,
    capabilities: String(snapshot.capabilities),
    capability_names: capabilityNamesJson(snapshot.capabilities),
    identifying: JSON.stringify(snapshot.identifying),
    non_identifying: JSON.stringify(snapshot.nonIdentifying),
    // Changes only with a new connection: kept with the description, written when either changes.
    client_certificate: snapshot.clientCertificate == null ? '' : JSON.stringify(snapshot.clientCertificate),
    enrolment: snapshot.enrolment == null ? '' : JSON.stringify(snapshot.enrolment),
    group,
    first_seen_at: String(firstSeenAt),
  };
}

/** Puts the detail fields that move with the agent's state into `fields`. */
function putStateFields(fields: Record<string, string>, event: FleetEvent, shape: CountedShape): void {
  const { snapshot } = event;
  const at = String(event.at);
  fields['gateway_id'] = snapshot.gatewayId;
  fields['connected'] = String(shape.connected);
  fields['health_state'] = shape.health;
  fields['health'] = snapshot.health === null ? '' : JSON.stringify(snapshot.health);
  fields['remote_config_status'] = snapshot.remoteConfigStatus === null ? '' : JSON.stringify(snapshot.remoteConfigStatus);
  fields['effective_config_hash'] = snapshot.effectiveConfigHash ?? '';
  fields['config_hash'] = shape.configHash;
  fields['updated_at'] = at;
  fields['last_event'] = event.type;
  fields['last_event_id'] = event.id;
  if (event.type === 'connected') fields['connected_at'] = at;
  if (event.type === 'disconnected') fields['disconnected_at'] = at;
}
