import { assertNever } from './assert-never';
import { beginRecorder, finishRecorder, type Decision, type Recorder } from './decision';
import { rolloutError } from './errors';
import { expireAll } from './expiry';
import { observeAfterEnd } from './late-outcomes';
import { progress } from './gate';
import { FLEET_CAUGHT_UP, type AgentObservation, type DecisionFacts, type RolloutInput, type Tick } from './inputs';
import { observeAgent, observeDisconnected, observeEffectiveConfig, observeHealth, observeRemoteConfigStatus } from './observations';
import { decideOperatorAction } from './operator-actions';
import { continueFill } from './phase';
import { decideStart, startSteps } from './start';
import { isActive, type RolloutState } from './state';
import { noSteps, type Steps } from './steps';

/**
 * The rollout decider: what happens when `input` meets `state`. Pure and deterministic — time,
 * the fleet and the locks arrive in the input — so the same state and input always give the
 * same events (with the same ids) and effects.
 *
 * Observations for an ended rollout only record late outcomes (see observeAfterEnd); commands
 * answer with a coded error when they do not fit the state machine.
 */
export function decide(state: RolloutState | null, input: RolloutInput, facts: DecisionFacts = FLEET_CAUGHT_UP): Decision {
  if (input.type === 'StartRollout') return decideStart(state, input);
  if (state === null) return { ok: false, error: rolloutError('rollout.not_found', 'no such rollout') };
  const recorder = beginRecorder(state, input.now, facts);
  const wasActive = isActive(state.status);
  switch (input.type) {
    case 'PauseRollout':
    case 'ResumeRollout':
    case 'PromoteRollout':
    case 'AbortRollout':
    case 'RollbackRollout': {
      if (input.rolloutId !== state.settings.rolloutId) {
        return { ok: false, error: rolloutError('rollout.not_found', `command for rollout ${input.rolloutId} reached rollout ${state.settings.rolloutId}`) };
      }
      const error = decideOperatorAction(recorder, input);
      if (error !== null) return { ok: false, error };
      break;
    }
    case 'AgentConnected':
    case 'AgentDescribed':
    case 'AgentDisconnected':
    case 'RemoteConfigStatusReported':
    case 'HealthReported':
    case 'EffectiveConfigReported':
    case 'Tick':
      if (!wasActive) {
        observeAfterEnd(recorder, input);
        break;
      }
      observe(recorder, input);
      progress(recorder);
      // A phase start's agents are targeted a chunk per Tick, after the gate: a failing phase targets no more.
      if (input.type === 'Tick') continueFill(recorder);
      break;
    default:
      return assertNever(input);
  }
  return finishRecorder(recorder, wasActive, input.type === 'Tick');
}

/**
 * `decide` in steps (see Steps): a start pauses between slices of its agents; any other input
 * is decided in one step.
 */
export function decideSteps(state: RolloutState | null, input: RolloutInput, facts: DecisionFacts = FLEET_CAUGHT_UP): Steps<Decision> {
  return input.type === 'StartRollout' ? startSteps(state, input) : noSteps(() => decide(state, input, facts));
}

function observe(recorder: Recorder, input: AgentObservation | Tick): void {
  switch (input.type) {
    case 'AgentConnected':
    case 'AgentDescribed':
      return observeAgent(recorder, input);
    case 'AgentDisconnected':
      return observeDisconnected(recorder, input);
    case 'RemoteConfigStatusReported':
      return observeRemoteConfigStatus(recorder, input);
    case 'HealthReported':
      return observeHealth(recorder, input);
    case 'EffectiveConfigReported':
      return observeEffectiveConfig(recorder, input);
    case 'Tick':
      return expireAll(recorder);
    default:
      return assertNever(input);
  }
}
