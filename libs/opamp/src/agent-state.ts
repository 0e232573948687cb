import type Long from 'long';
import type { AttributeText } from './attribute-text';

/**
 * What the gateway remembers of one agent between its messages, so that compressed status
 * reports (agents omit unchanged sub-messages) can be read in full. Held per connected agent,
 * so it keeps summaries, never bodies: the effective config as its canonical hash, health as
 * its top-level verdict, attributes as bounded text. Plain immutable data. Change detection
 * (merge-agent-status.ts) compares the summaries field by field: a field added here must be
 * compared there too.
 */
export interface AgentState {
  /** sequence_num of the last message merged (unsigned). */
  readonly sequenceNum: Long;
  /** AgentCapabilities bits, the latest non-zero value reported (bits above 52 dropped). */
  readonly capabilities: number;
  /** Null until the agent has described itself. */
  readonly description: AgentDescriptionSummary | null;
  /** Null until the agent reports health: unknown, not unhealthy. */
  readonly health: AgentHealthSummary | null;
  /** Null until the agent reports a remote config status. */
  readonly remoteConfigStatus: RemoteConfigStatusSummary | null;
  /** Lowercase hex canonical hash (configHashHex) of the effective config; null until reported. */
  readonly effectiveConfigHash: string | null;
  /** Lowercase hex of AvailableComponents.hash; null until reported. */
  readonly availableComponentsHash: string | null;
  /**
   * The components the agent can run, `kind/type` (`receivers/otlp`), from the last full
   * AvailableComponents for the hash above; null while unknown (a new hash came without its list).
   */
  readonly availableComponents: readonly string[] | null;
  /** The last message carried agent_disconnect. */
  readonly disconnected: boolean;
  /**
   * The answer to the last message asked for ReportFullState. The next message is then
   * never asked again, whatever its sequence number: that is what makes request loops
   * impossible.
   */
  readonly fullStateRequested: boolean;
  /**
   * The state is the agent's current one: the message carried full state, or followed without
   * a gap a state that was (or answered our ReportFullState request). After a gap the agent
   * told someone else what changed (another gateway, behind a per-request balancer): what is
   * held is stale until full state arrives, and nothing may be concluded from it.
   */
  readonly verified: boolean;
}

export interface AgentDescriptionSummary {
  readonly identifying: AttributeText;
  readonly nonIdentifying: AttributeText;
}

export interface AgentHealthSummary {
  readonly healthy: boolean;
  /** Cut to MAX_STATUS_TEXT_CHARS (a supervisor may append a log tail). */
  readonly lastError: string;
  readonly status: string;
  /** Unhealthy components' errors (`path: error`), deepest first, at most MAX_COMPONENT_ERRORS; [] when none. */
  readonly componentErrors: readonly string[];
}

export type RemoteConfigState = 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED';

export interface RemoteConfigStatusSummary {
  /**
   * Lowercase hex of last_remote_config_hash (at most its first 64 bytes: Roost's hashes are
   * 32, so a longer one matches none of ours either way); "" when the agent has none.
   */
  readonly hash: string;
  readonly status: RemoteConfigState;
  /** Cut to MAX_STATUS_TEXT_CHARS. */
  readonly errorMessage: string;
}

/** The parts of AgentState whose change is a fleet event (never heartbeats or sequence numbers). */
export type AgentStateChange =
  | 'description'
  | 'capabilities'
  | 'health'
  | 'remoteConfigStatus'
  | 'effectiveConfigHash'
  | 'availableComponents'
  | 'disconnected';

/** Bound on agent-supplied free text kept in the state (error messages, status strings). */
export const MAX_STATUS_TEXT_CHARS = 512;
