import { AgentCapability, hasCapability } from '@roost/opamp';
import { MAX_FAILED_HASHES, type AgentRecord } from './agent-record';

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
 * - never a hash the agent reported FAILED (a retry does not help; also covers an agent that
 *   rolled itself back and now reports APPLIED for the older hash);
 * - with ReportsRemoteConfig: when the reported last_remote_config_hash differs from the
 *   desired hash, whatever its status; a hash already sent on this connection is repeated only
 *   after `redeliverAfterMs` (a response may be lost on HTTP), and while the answer to a
 *   ReportFullState request is outstanding the agent's hash is unknown, so nothing is sent;
 * - without ReportsRemoteConfig: when the desired hash differs from the last one sent.
 */
export function decideConfigOffer(record: AgentRecord, now: number, redeliverAfterMs: number): OfferDecision {
  const { capabilities, remoteConfigStatus, fullStateRequested } = record.state;
  if (!hasCapability(capabilities, AgentCapability.AcceptsRemoteConfig)) return { offer: false, reason: 'not_accepted' };
  const desired = record.desiredHash;
  if (desired === undefined) return { offer: false, reason: 'desired_unknown' };
  if (desired === null) return { offer: false, reason: 'no_desired' };
  if (record.failedHashes.includes(desired)) return { offer: false, reason: 'reported_failed' };
  const last = record.lastOffer;
  if (!hasCapability(capabilities, AgentCapability.ReportsRemoteConfig)) {
    return last?.hash === desired ? { offer: false, reason: 'already_sent' } : { offer: true, hash: desired };
  }
  if (remoteConfigStatus === null && fullStateRequested) return { offer: false, reason: 'awaiting_full_state' };
  if (remoteConfigStatus?.hash === desired) return { offer: false, reason: 'agent_has_it' };
  if (last?.hash === desired && last.connection === record.connection && now - last.at < redeliverAfterMs) {
    return { offer: false, reason: 'already_sent' };
  }
  return { offer: true, hash: desired };
}

/** Remembers a FAILED report (bounded, newest last) and forgets a hash reported otherwise. */
export function rememberFailures(failedHashes: readonly string[], reported: { hash: string; status: string } | null): readonly string[] {
  if (!reported || reported.hash === '') return failedHashes;
  if (reported.status === 'FAILED') {
    if (failedHashes.includes(reported.hash)) return failedHashes;
    return [...failedHashes, reported.hash].slice(-MAX_FAILED_HASHES);
  }
  return failedHashes.includes(reported.hash) ? failedHashes.filter((hash) => hash !== reported.hash) : failedHashes;
}
