import type { ClientCertificate, EffectiveConfigEntry, FleetEvent, FleetEventKind } from '@roost/contracts';
import {
  AgentToServerFlag,
  ServerCapability,
  ServerErrorResponseType,
  ServerToAgentFlag,
  bitsOf,
  needsAvailableComponents,
  hasFlag,
  changesBetween,
  mergeAgentStatus,
  type Sha256,
  parseInstanceUid,
  type AgentStateChange,
  type AgentToServer,
  type InstanceUid,
  type ServerToAgentInit,
} from '@roost/opamp';
import Long from 'long';
import { fleetEvent, heartbeatOffered, latestDesired, type AgentRecord, type DesiredEntry } from './agent-record';
import { decideConfigOffer, rememberFailures } from './config-offer';
import { effectiveConfigReport } from './effective-config-report';
import type { OfferableConfig } from './config-source';
import type { Transport } from './gateway-metrics';
import { composeConnectionSettingsOffer, reportsOwnTelemetry, type OwnTelemetrySettings } from './connection-settings-offer';
import { scopeRefusal, type EnrolmentCredential } from './enrolment-check';
import type { TokenStanding } from './enrolment-authority';
import { nextOnTimePolls } from './poll-interval';
import { handoverAfterConnect, handoverDue, type HandoverKind } from './token-handover';

/** A uid just assigned has no desired config yet: the orchestrator learns of it from our event. */
const NO_DESIRED = { desiredHash: null, desiredRevision: 0 } as const;

/** Everything from outside the message the handler needs; time and ids arrive as data. */
export interface MessageContext {
  readonly now: number;
  readonly gatewayId: string;
  readonly transport: Transport;
  /** The message opens a new connection of this agent (first on a socket, or an HTTP agent not connected). */
  readonly newConnection: boolean;
  /** Fresh from `agent-desired` when the shell read it for this message; undefined = keep the record's. */
  readonly desired?: DesiredEntry | undefined;
  readonly heartbeatIntervalSeconds: number;
  readonly redeliverAfterMs: number;
  /** 16 bytes of a new UUIDv7, for RequestInstanceUid. */
  readonly newInstanceUid: () => Uint8Array;
  readonly nextEventId: () => string;
  /** A config version already loaded, by hash; undefined when it must be read first. */
  readonly offerable: (hash: string) => OfferableConfig | undefined;
  /** SHA-256 used to summarise effective configs (native in the service; same hash as the pure one). */
  readonly sha256?: Sha256;
  /**
   * The uid another live connection holds is this agent's no longer: answer with this one as its
   * new uid and keep the message's state under it (the record passed is this uid's). The uid
   * the message carries stays with its holder.
   */
  readonly reassignTo?: Uint8Array;
  /** The verified TLS client certificate of the connection the message came on (mTLS); null or absent without one. */
  readonly clientCertificate?: ClientCertificate | null;
  /** Where this agent would send its own metrics and logs; absent: own telemetry is not offered. */
  readonly ownTelemetryFor?: (agentId: string) => OwnTelemetrySettings;
  /** The enrolment token the connection showed, and where it stands now; null or absent without one. */
  readonly enrolment?: { readonly credential: EnrolmentCredential; readonly standing: TokenStanding } | null;
  /** Lifetime of tokens handed over to agents (token-handover.ts); absent: no handover. */
  readonly handoverTtlMs?: number;
}

export type MessageOutcome = RejectedMessage | RefusedMessage | HandledMessage;

/** The agent may not speak with the token its connection showed (another scope, revoked or expired since): nothing is kept, the connection ends. */
export interface RefusedMessage {
  readonly kind: 'refused';
  readonly reason: string;
  /** The token's fault (revoked, expired since the connection opened) rather than the agent being out of its scope. */
  readonly credentialGone: boolean;
}

/** The message was refused (bad instance_uid): answer with BadRequest, change nothing. */
export interface RejectedMessage {
  readonly kind: 'rejected';
  readonly response: ServerToAgentInit;
  readonly reason: string;
}

export interface HandledMessage {
  readonly kind: 'handled';
  readonly response: ServerToAgentInit;
  /** The record to store under `record.agentId` (a new id after RequestInstanceUid). */
  readonly record: AgentRecord;
  /** Set when RequestInstanceUid re-keyed the agent: the id it arrived with (not for `reassignTo`). */
  readonly previousAgentId: string | null;
  /** The fleet event this message is worth, if any: one, naming every part that changed. */
  readonly event: FleetEvent | null;
  /** The agent said agent_disconnect: mark it gone once the reply is out. */
  readonly disconnect: boolean;
  /** Desired config that should be offered but is not loaded: read it, then reconcile. */
  readonly missingConfig: string | null;
  /** Milliseconds from our offer to the agent's APPLIED report, when this message is that report. */
  readonly appliedAfterMs: number | null;
  /** The effective config to keep in `effective-configs`: the message reported a new one. */
  readonly effectiveConfig: EffectiveConfigEntry | null;
  /** The agent should be handed a token of its own (issued from the one its connection showed). */
  readonly handover: HandoverKind | null;
}

/** Bits every ServerToAgent carries (pitfall §13.2: set on every response, not just the first). */
export function serverCapabilities(offersConnectionSettings: boolean): Long {
  return offersConnectionSettings ? WITH_CONNECTION_SETTINGS : WITHOUT_CONNECTION_SETTINGS;
}

const BASE_CAPABILITIES = [ServerCapability.AcceptsStatus, ServerCapability.OffersRemoteConfig, ServerCapability.AcceptsEffectiveConfig];
const WITHOUT_CONNECTION_SETTINGS = bitsOf(...BASE_CAPABILITIES);
const WITH_CONNECTION_SETTINGS = bitsOf(...BASE_CAPABILITIES, ServerCapability.OffersConnectionSettings);
const REPORT_FULL_STATE = bitsOf(ServerToAgentFlag.ReportFullState);
const REPORT_AVAILABLE_COMPONENTS = bitsOf(ServerToAgentFlag.ReportAvailableComponents);
const REPORT_FULL_STATE_AND_COMPONENTS = bitsOf(ServerToAgentFlag.ReportFullState, ServerToAgentFlag.ReportAvailableComponents);

/**
 * One AgentToServer, either transport (protocol brief Appendix A): validate the uid, honour
 * RequestInstanceUid, merge the (compressed) status, ask for full state on a gap, offer the
 * desired config and the heartbeat interval, and say which fleet events the change is worth.
 * `record` is this gateway's record for the uid the message carries, if any.
 */
export function handleAgentMessage(record: AgentRecord | undefined, message: AgentToServer, ctx: MessageContext): MessageOutcome {
  let uid: InstanceUid;
  try {
    uid = parseInstanceUid(message.instanceUid);
  } catch (error) {
    return rejectBadUid(message, error, ctx);
  }
  const merge = mergeAgentStatus(record?.state, message, ctx.sha256);
  const requested = ctx.reassignTo === undefined && hasFlag(message.flags, AgentToServerFlag.RequestInstanceUid);
  const newUid = ctx.reassignTo ?? (requested ? ctx.newInstanceUid() : null);
  const agentId = newUid ? parseInstanceUid(newUid).text : uid.text;
  const freshUid = requested || (ctx.reassignTo !== undefined && record === undefined);
  const connected = merge.state.disconnected ? false : true;
  const reconnect = ctx.newConnection || !record || !record.connected;
  const desired = freshUid ? NO_DESIRED : latestDesired(record, ctx.desired);
  const wasAnnounced = reconnect || record?.agentId !== agentId ? false : record.announced;
  // Nothing is said from state that is not verified. A connection is announced by `connected`
  // alone once it is: its snapshot holds everything known.
  const announce = connected && merge.state.verified && !wasAnnounced;
  // Built once, with what the end of this function says of the connection (a second copy of
  // the record per message was a third of the handler's allocation).
  let next: AgentRecord = {
    agentId,
    transport: ctx.transport,
    connected,
    connection: reconnect ? (record?.connection ?? 0) + 1 : (record?.connection ?? 1),
    lastSeenAt: ctx.now,
    state: merge.state,
    healthReportedAt: message.health ? ctx.now : (record?.healthReportedAt ?? 0),
    remoteConfigReportedAt: message.remoteConfigStatus ? ctx.now : (record?.remoteConfigReportedAt ?? 0),
    desiredHash: desired.desiredHash,
    desiredRevision: desired.desiredRevision,
    lastOffer: record?.lastOffer ?? null,
    failedHashes: message.remoteConfigStatus ? rememberFailures(record?.failedHashes ?? [], merge.state.remoteConfigStatus, desired.desiredRevision) : (record?.failedHashes ?? []),
    settingsOffer: record?.settingsOffer ?? null,
    announced: connected && (wasAnnounced || announce),
    saidState: merge.state.verified ? merge.state : (record?.saidState ?? null),
    onTimePolls: nextOnTimePolls(record, ctx.now, record !== undefined && heartbeatOffered(record) ? ctx.heartbeatIntervalSeconds : 0, !reconnect),
    clientCertificate: ctx.clientCertificate ?? null,
    enrolment: ctx.enrolment ? { tokenId: ctx.enrolment.credential.tokenId, name: ctx.enrolment.credential.name, issuedFrom: ctx.enrolment.credential.issuedFrom } : null,
    handover: handoverAfterConnect(record?.handover ?? null, reconnect),
    handoverTriedAt: record?.handoverTriedAt ?? 0,
  };
  if (ctx.enrolment) {
    const refusal = enrolmentRefusal(ctx.enrolment, next);
    if (refusal !== null) return refusal;
  }
  const appliedAfterMs = appliedLatency(record, next, merge.changes, ctx.now);

  const response: ServerToAgentInit = {
    instanceUid: message.instanceUid,
    capabilities: serverCapabilities(ctx.heartbeatIntervalSeconds > 0),
  };
  const askComponents = needsAvailableComponents(message, merge.state);
  if (merge.reportFullState || askComponents) {
    response.flags = merge.reportFullState && askComponents ? REPORT_FULL_STATE_AND_COMPONENTS : merge.reportFullState ? REPORT_FULL_STATE : REPORT_AVAILABLE_COMPONENTS;
  }
  if (newUid) response.agentIdentification = { newInstanceUid: newUid };
  let missingConfig: string | null = null;
  if (connected) {
    const offer = attachOffers(next, response, ctx);
    next = offer.record;
    missingConfig = offer.missingConfig;
  }
  const changes = record?.saidState === record?.state ? merge.changes : changesBetween(record?.saidState ?? undefined, merge.state);
  const event = next.connected ? (merge.state.verified ? fleetEvent(announce ? ['connected'] : changes.map(eventKindOf), next, ctx) : null) : goodbye(record, next, changes, ctx);
  return {
    kind: 'handled',
    response,
    record: next,
    previousAgentId: requested ? uid.text : null,
    event,
    disconnect: !connected,
    missingConfig,
    appliedAfterMs,
    effectiveConfig: effectiveConfigReport(message, merge.changes.includes('effectiveConfigHash'), merge.state.effectiveConfigHash, ctx.now, ctx.gatewayId),
    handover: ctx.handoverTtlMs !== undefined && ctx.enrolment ? handoverDue(next, ctx.enrolment.credential, ctx.now, ctx.handoverTtlMs) : null,
  };
}

/** Adds the desired config and the connection settings due to a message for a connected agent. */
export function attachOffers(
  record: AgentRecord,
  message: ServerToAgentInit,
  ctx: Pick<MessageContext, 'now' | 'redeliverAfterMs' | 'heartbeatIntervalSeconds' | 'offerable' | 'ownTelemetryFor'>,
): { record: AgentRecord; missingConfig: string | null } {
  let next = record;
  let missingConfig: string | null = null;
  // Stale or partial state says nothing of what the agent runs: offer once it is verified.
  const decision = record.state.verified ? decideConfigOffer(record, ctx.now, ctx.redeliverAfterMs) : null;
  if (decision?.offer) {
    const config = ctx.offerable(decision.hash);
    if (config) {
      message.remoteConfig = config.remoteConfig;
      next = { ...next, lastOffer: { hash: decision.hash, revision: record.desiredRevision, at: ctx.now, connection: record.connection } };
    } else {
      missingConfig = decision.hash;
    }
  }
  const offered = next.settingsOffer;
  const capabilities = next.state.capabilities;
  const opamp = next.handover?.settings ?? null;
  const onThisConnection = offered !== null && offered.connection === next.connection;
  // Composed once per connection: while what it is made of stays the same, the agent has it (no SHA-256 per message).
  if (onThisConnection && offered.settled === true && offered.capabilities === capabilities && offered.opamp === opamp) return { record: next, missingConfig };
  const ownOffered = onThisConnection && (offered.ownMetrics === true || offered.ownLogs === true);
  const own = ctx.ownTelemetryFor !== undefined && (ownOffered || ownTelemetryDue(next)) ? ctx.ownTelemetryFor(next.agentId) : null;
  const settings = composeConnectionSettingsOffer({ capabilities, heartbeatIntervalSeconds: ctx.heartbeatIntervalSeconds, opamp, ownMetrics: own?.metrics ?? null, ownLogs: own?.logs ?? null });
  // Settled: only new capabilities or a handover change this connection's offer (own telemetry is in it, or will never be).
  const settled = own !== null || ctx.ownTelemetryFor === undefined || !reportsOwnTelemetry(capabilities);
  if (settings === null) return { record: next, missingConfig };
  const memo = { capabilities, opamp, settled };
  // Once per connection, and again when what the agent should use changes.
  if (!onThisConnection || offered.hash !== settings.hash) {
    message.connectionSettings = settings.offer;
    next = { ...next, settingsOffer: { hash: settings.hash, connection: next.connection, heartbeat: settings.heartbeat, ownMetrics: settings.ownMetrics, ownLogs: settings.ownLogs, ...memo } };
    message.capabilities = serverCapabilities(true);
  } else if (offered.settled !== settled || offered.capabilities !== capabilities || offered.opamp !== opamp) {
    next = { ...next, settingsOffer: { ...offered, ...memo } };
  }
  return { record: next, missingConfig };
}

/**
 * Own metrics and logs are first offered only while no config is on its way to the agent: its
 * collector's supervisor restarts the collector to take the offer, and that restart must not
 * overlap an apply a rollout is judging. Once offered on a connection, the offer stays in what
 * the agent is offered (an equal offer changes nothing in the collector).
 */
function ownTelemetryDue(record: AgentRecord): boolean {
  if (!record.state.verified || record.desiredHash === undefined) return false;
  if (record.desiredHash === null) return true;
  const status = record.state.remoteConfigStatus;
  if (status?.hash === record.desiredHash && status.status === 'APPLIED') return true;
  // A config it reported FAILED under this assignment is not sent again: nothing is on its way.
  return record.failedHashes.some((failed) => failed.hash === record.desiredHash && failed.revision === record.desiredRevision);
}

/**
 * A connection's token lets it speak for `next` only while it stands, and only within its scope:
 * an agent token for its one uid (whatever uid the message leaves the agent with), a group token
 * for agents whose verified description names the group.
 */
function enrolmentRefusal(enrolment: NonNullable<MessageContext['enrolment']>, next: AgentRecord): RefusedMessage | null {
  const { credential, standing } = enrolment;
  if (standing !== 'ok') return { kind: 'refused', reason: `enrolment token ${credential.tokenId} ${standing === 'revoked' ? 'was revoked' : 'expired'}`, credentialGone: true };
  const identifying = next.state.verified ? (next.state.description?.identifying ?? {}) : null;
  const reason = scopeRefusal(credential.scope, next.agentId, identifying);
  return reason === null ? null : { kind: 'refused', reason, credentialGone: false };
}

/** agent_disconnect: said once, by a gateway that announced the connection (another holds it otherwise). */
function goodbye(record: AgentRecord | undefined, next: AgentRecord, changes: readonly AgentStateChange[], ctx: MessageContext): FleetEvent | null {
  if (!record?.announced || !changes.includes('disconnected')) return null;
  return fleetEvent(next.state.verified ? changes.map(eventKindOf) : ['disconnected'], next, ctx);
}

function rejectBadUid(message: AgentToServer, error: unknown, ctx: MessageContext): RejectedMessage {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    kind: 'rejected',
    reason,
    response: {
      instanceUid: message.instanceUid,
      capabilities: serverCapabilities(ctx.heartbeatIntervalSeconds > 0),
      errorResponse: { type: ServerErrorResponseType.ServerErrorResponseType_BadRequest, errorMessage: reason },
    },
  };
}

function appliedLatency(previous: AgentRecord | undefined, next: AgentRecord, changes: readonly AgentStateChange[], now: number): number | null {
  const status = next.state.remoteConfigStatus;
  const offer = previous?.lastOffer;
  if (!offer || !changes.includes('remoteConfigStatus') || status?.status !== 'APPLIED' || status.hash !== offer.hash) return null;
  return Math.max(0, now - offer.at);
}

export function eventKindOf(change: AgentStateChange): FleetEventKind {
  switch (change) {
    case 'description':
      return 'description';
    case 'capabilities':
      return 'capabilities';
    case 'health':
      return 'health';
    case 'remoteConfigStatus':
      return 'remote-config-status';
    case 'effectiveConfigHash':
      return 'effective-config';
    // What the agent can run is part of what it says about itself.
    case 'availableComponents':
      return 'description';
    case 'disconnected':
      return 'disconnected';
    default:
      return assertNever(change);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
