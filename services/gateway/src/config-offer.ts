import { AgentCapability, hasCapability } from '@roost/opamp';
import { MAX_FAILED_HASHES, type AgentRecord, type FailedConfig } from './agent-record';

/** Why no config is offered, or that one should be. */
export type OfferDecision =
  | { readonly offer: true; readonly hash: string }
  | {
      readonly offer: false;
      readonly reason:
        | 'not_accepted'
        | 'no_desired'
        | 'desired_unknown'
        | 'agent_has_it'
        | 'already_sent'
        | 'reported_failed'
        | 'awaiting_full_state';
    };

/**
 * Level-triggered config delivery (protocol brief §5, Appendix A step 7), decided from the
 * record alone:
 * - only to agents with AcceptsRemoteConfig, capabilities re-checked on every call;
 * - never a hash the agent reported FAILED within the same assignment — the same
 *   `agent-desired` revision (a resend does not help; also covers an agent that rolled itself
 *   back and now reports APPLIED for the older hash). A new assignment of that hash (an
 *   operator's new rollout writes a new revision) is the explicit retry, and is offered;
 * - with ReportsRemoteConfig: when the reported last_remote_config_hash differs from the
 *   desired hash, whatever its status; a hash already sent on this connection is repeated only
 *   after `redeliverAfterMs` (a response may be lost on HTTP), also when the entry was rewritten
 *   meanwhile with the same hash and the agent has not reported it; while the answer to a
 *   ReportFullState request is outstanding the agent's hash is unknown, so nothing is sent;
 * - without ReportsRemoteConfig: when the desired hash differs from the last one sent.
 */
export function decideConfigOffer(record: AgentRecord, now: number, redeliverAfterMs: number): OfferDecision {
  const { capabilities, remoteConfigStatus, fullStateRequested } = record.state;
  if (!hasCapability(capabilities, AgentCapability.AcceptsRemoteConfig)) return { offer: false, reason: 'not_accepted' };
  const desired = record.desiredHash;
  if (desired === undefined) return { offer: false, reason: 'desired_unknown' };
  if (desired === null) return { offer: false, reason: 'no_desired' };
  if (record.failedHashes.some((failed) => failed.hash === desired && failed.revision === record.desiredRevision)) return { offer: false, reason: 'reported_failed' };
  // The last offer, if it was for this very assignment (a new assignment of the same hash is sent anew).
  const last = record.lastOffer?.revision === record.desiredRevision ? record.lastOffer : null;
  if (!hasCapability(capabilities, AgentCapability.ReportsRemoteConfig)) {
    return last?.hash === desired ? { offer: false, reason: 'already_sent' } : { offer: true, hash: desired };
  }
  if (remoteConfigStatus === null && fullStateRequested) return { offer: false, reason: 'awaiting_full_state' };
  // FAILED under an earlier assignment (the same one was caught above): this assignment is a retry.
  if (remoteConfigStatus?.hash === desired && remoteConfigStatus.status !== 'FAILED') return { offer: false, reason: 'agent_has_it' };
  // A rewrite of the same hash while its offer is still unanswered (two writers, a resync) is
  // not an operator's retry: that needs a FAILED report first (above).
  const sent = record.lastOffer;
  if (sent?.hash === desired && sent.connection === record.connection && now - sent.at < redeliverAfterMs && (sent === last || remoteConfigStatus?.hash !== desired)) {
    return { offer: false, reason: 'already_sent' };
  }
  return { offer: true, hash: desired };
}

/**
 * Remembers a FAILED report under the assignment held when it arrived (`revision`; bounded,
 * newest last) and forgets a hash reported otherwise.
 */
export function rememberFailures(failedHashes: readonly FailedConfig[], reported: { hash: string; status: string } | null, revision: number): readonly FailedConfig[] {
  if (!reported || reported.hash === '') return failedHashes;
  const known = failedHashes.some((failed) => failed.hash === reported.hash);
  if (reported.status === 'FAILED') {
    if (failedHashes.some((failed) => failed.hash === reported.hash && failed.revision === revision)) return failedHashes;
    return [...failedHashes.filter((failed) => failed.hash !== reported.hash), { hash: reported.hash, revision }].slice(-MAX_FAILED_HASHES);
  }
  return known ? failedHashes.filter((failed) => failed.hash !== reported.hash) : failedHashes;
}
