export { ALL_BUCKETS, ALL_STREAMS, BUCKETS, CONSUMERS, STREAMS } from './topology';
export type { BucketDeclaration, StreamDeclaration } from './topology';
export { FLEET_EVENT_KINDS, ROLLOUT_COMMAND_VERBS, subjects } from './subjects';
export type { FleetEventKind, RolloutCommandVerb } from './subjects';
