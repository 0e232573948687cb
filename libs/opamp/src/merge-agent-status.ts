import { bytesToHex } from '@noble/hashes/utils';
import Long from 'long';
import {
  MAX_STATUS_TEXT_CHARS,
  type AgentDescriptionSummary,
  type AgentHealthSummary,
  type AgentState,
  type AgentStateChange,
  type RemoteConfigState,
  type RemoteConfigStatusSummary,
} from './agent-state';
import { attributeText, type AttributeText } from './attribute-text';
import { AgentCapability, bitSetToNumber, hasCapability } from './capabilities';
import { configHashHex, pureSha256, type Sha256 } from './config-hash';
import { componentErrors, type ComponentHealthTree } from './component-errors';
import { availableComponentList } from './available-components';
import { RemoteConfigStatuses, type AgentToServerInit, type ComponentHealthInit, type RemoteConfigStatusInit } from './proto-types';

const MAX_HASH_BYTES = 64;

export interface AgentStatusMerge {
  readonly state: AgentState;
  /** What changed, in a fixed order; empty for a heartbeat or a repeat of known state. */
  readonly changes: readonly AgentStateChange[];
  /**
   * Answer with ServerToAgentFlags_ReportFullState. The caller must set the flag whenever
   * this is true (the state records that it was asked).
   */
  readonly reportFullState: boolean;
}

/**
 * Merges one (possibly compressed) AgentToServer into the agent's last known state.
 * `previous` is undefined for an agent this process has not seen (new, or known only to a
 * gateway that is gone).
 *
 * ReportFullState rule (spec "Agent Status Compression"): ask when there is a gap — unknown
 * agent, or sequence_num not previous + 1 — since what is held may then be stale (the missed
 * messages went to another gateway behind a per-request balancer, or were lost). Never ask
 * when the message itself carries full state: the description, the remote config status
 * (ReportsRemoteConfig) and the effective config (ReportsEffectiveConfig); health aside, as
 * opamp-go sends health only once the app set it. Never on the agent's last message, nor twice
 * in a row (no request loop with an agent that ignores the flag).
 *
 * `verified` says whether the merged state can be trusted (see AgentState).
 */
export function mergeAgentStatus(
  previous: AgentState | undefined,
  message: AgentToServerInit,
  sha256: Sha256 = pureSha256,
): AgentStatusMerge {
  const sequenceNum = Long.fromValue(message.sequenceNum ?? 0, true);
  // ReportsStatus must always be set, so 0 means "not reported" (a bare heartbeat).
  const reported = bitSetToNumber(message.capabilities);
  const capabilities = reported !== 0 ? reported : (previous?.capabilities ?? 0);
  const gap = previous === undefined || !sequenceNum.equals(previous.sequenceNum.add(1));
  const full = carriesFullState(message, capabilities);
  // Consecutive after a request: the agent sent what it has (an agent may lack a description).
  const verified = full || (!gap && (previous.verified || previous.fullStateRequested));
  const reportFullState = gap && !full && message.agentDisconnect == null && !previous?.fullStateRequested;
  const state = mergeFields(previous, message, sha256, { sequenceNum, capabilities, fullStateRequested: reportFullState, verified });
  return { state, changes: changesBetween(previous, state), reportFullState };
}

/** The state from `previous` and the message; a part reported again unchanged is the previous part itself. */
function mergeFields(
  previous: AgentState | undefined,
  message: AgentToServerInit,
  sha256: Sha256,
  known: Pick<AgentState, 'sequenceNum' | 'capabilities' | 'fullStateRequested' | 'verified'>,
): AgentState {
  const description = message.agentDescription;
  const previousHealth = previous?.health ?? null;
  const health = message.health ? healthSummary(message.health) : previousHealth;
  return {
    sequenceNum: known.sequenceNum,
    capabilities: known.capabilities,
    description: description
      ? { identifying: attributeText(description.identifyingAttributes), nonIdentifying: attributeText(description.nonIdentifyingAttributes) }
      : (previous?.description ?? null),
    // Kept as the previous object when equal: a report repeating its health allocates nothing
    // that outlives it, and the comparison below is one identity check.
    health: health !== previousHealth && sameHealth(previousHealth, health) ? previousHealth : health,
    remoteConfigStatus: message.remoteConfigStatus ? remoteConfigSummary(message.remoteConfigStatus) : (previous?.remoteConfigStatus ?? null),
    effectiveConfigHash: message.effectiveConfig
      ? configHashHex(message.effectiveConfig.configMap?.configMap ?? {}, sha256)
      : (previous?.effectiveConfigHash ?? null),
    ...mergeAvailableComponents(previous, message),
    disconnected: message.agentDisconnect != null,
    fullStateRequested: known.fullStateRequested,
    verified: known.verified,
  };
}

/** The list is kept while the hash stays; a new hash without its list makes it unknown (see reportAvailableComponents). */
function mergeAvailableComponents(previous: AgentState | undefined, message: AgentToServerInit): Pick<AgentState, 'availableComponentsHash' | 'availableComponents'> {
  const reported = message.availableComponents;
  if (!reported) return { availableComponentsHash: previous?.availableComponentsHash ?? null, availableComponents: previous?.availableComponents ?? null };
  const hash = bytesToHex((reported.hash ?? new Uint8Array(0)).subarray(0, MAX_HASH_BYTES));
  const list = availableComponentList(reported);
  if (list !== null) return { availableComponentsHash: hash, availableComponents: list };
  return { availableComponentsHash: hash, availableComponents: hash === previous?.availableComponentsHash ? (previous.availableComponents ?? null) : null };
}

/**
 * The agent named its components by hash alone, and no list is held for that hash: the answer
 * asks for it (ServerToAgentFlags.ReportAvailableComponents), once per such message.
 */
export function needsAvailableComponents(message: AgentToServerInit, state: AgentState): boolean {
  return message.availableComponents != null && state.availableComponentsHash !== null && state.availableComponentsHash !== '' && state.availableComponents === null;
}

function carriesFullState(message: AgentToServerInit, capabilities: number): boolean {
  return (
    message.agentDescription != null &&
    (message.remoteConfigStatus != null || !hasCapability(capabilities, AgentCapability.ReportsRemoteConfig)) &&
    (message.effectiveConfig != null || !hasCapability(capabilities, AgentCapability.ReportsEffectiveConfig))
  );
}

/** What differs from `previous` to `next` (undefined: nothing known before), in a fixed order. */
export function changesBetween(previous: AgentState | undefined, next: AgentState): AgentStateChange[] {
  const changes: AgentStateChange[] = [];
  if (!sameDescription(previous?.description ?? null, next.description)) changes.push('description');
  if ((previous?.capabilities ?? 0) !== next.capabilities) changes.push('capabilities');
  if (!sameHealth(previous?.health ?? null, next.health)) changes.push('health');
  if (!sameRemoteConfigStatus(previous?.remoteConfigStatus ?? null, next.remoteConfigStatus)) changes.push('remoteConfigStatus');
  if ((previous?.effectiveConfigHash ?? null) !== next.effectiveConfigHash) changes.push('effectiveConfigHash');
  if (!sameList(previous?.availableComponents ?? null, next.availableComponents)) changes.push('availableComponents');
  if (next.disconnected && !previous?.disconnected) changes.push('disconnected');
  return changes;
}

// Field-by-field equality: called for every message, where serialising both sides to compare
// them cost more than the rest of the merge. A part the message omits is the previous object
// itself, so identity answers most calls.

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  return a.every((item, index) => item === b[index]);
}

function sameDescription(a: AgentDescriptionSummary | null, b: AgentDescriptionSummary | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return sameAttributes(a.identifying, b.identifying) && sameAttributes(a.nonIdentifying, b.nonIdentifying);
}

/** Same keys in the same order with the same values (the order is the agent's, and it shows). */
function sameAttributes(a: AttributeText, b: AttributeText): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (key !== otherKeys[index] || a[key] !== b[key]) return false;
  }
  return true;
}

function sameHealth(a: AgentHealthSummary | null, b: AgentHealthSummary | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return a.healthy === b.healthy && a.lastError === b.lastError && a.status === b.status && sameTexts(a.componentErrors, b.componentErrors);
}

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((text, index) => text === b[index]);
}

function sameRemoteConfigStatus(a: RemoteConfigStatusSummary | null, b: RemoteConfigStatusSummary | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return a.hash === b.hash && a.status === b.status && a.errorMessage === b.errorMessage;
}

function healthSummary(health: ComponentHealthInit): AgentHealthSummary {
  return {
    healthy: health.healthy === true,
    lastError: clip(health.lastError ?? ''),
    status: clip(health.status ?? ''),
    componentErrors: componentErrors(health as ComponentHealthTree),
  };
}

function remoteConfigSummary(status: RemoteConfigStatusInit): RemoteConfigStatusSummary {
  return {
    hash: bytesToHex((status.lastRemoteConfigHash ?? new Uint8Array(0)).subarray(0, MAX_HASH_BYTES)),
    status: remoteConfigState(status.status),
    errorMessage: clip(status.errorMessage ?? ''),
  };
}

/** Values a newer spec may add are read as UNSET (no claim about the config). */
function remoteConfigState(status: RemoteConfigStatuses | null | undefined): RemoteConfigState {
  switch (status) {
    case RemoteConfigStatuses.RemoteConfigStatuses_APPLIED:
      return 'APPLIED';
    case RemoteConfigStatuses.RemoteConfigStatuses_APPLYING:
      return 'APPLYING';
    case RemoteConfigStatuses.RemoteConfigStatuses_FAILED:
      return 'FAILED';
    case RemoteConfigStatuses.RemoteConfigStatuses_UNSET:
    case null:
    case undefined:
      return 'UNSET';
    default:
      return 'UNSET';
  }
}

function clip(text: string): string {
  return text.length <= MAX_STATUS_TEXT_CHARS ? text : text.slice(0, MAX_STATUS_TEXT_CHARS);
}
