/**
 * Defect 4 of issue 14: a refused rollout start changes nothing — its inline config is not
 * stored as a new version (422 unknown group, 409 busy group).
 */
import { BUCKETS } from '@roost/contracts';
import { eventually } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';

jest.setTimeout(60_000);

describe('a refused rollout start', () => {
  let bed: RolloutTestBed;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-refused');
    const orchestrator = await bed.startOrchestrator({ instanceId: 'orchestrator-refused' });
    await eventually(() => orchestrator.isLeader(), { what: 'the orchestrator to lead' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  async function configKeys(): Promise<string[]> {
    return (await (await bed.client.kv.open(BUCKETS.configs.name)).keys()).sort();
  }

  it('stores no config version when the group is unknown or busy', async () => {
    const baseline = await bed.createConfig(collectorYaml('basic'), 'refused-baseline');
    const agents = await bed.connectAgents(3, 'refused', baseline);
    await bed.fleetHas(agents, 'refused');
    const before = await configKeys();

    const unknown = await bed.startRollout({ target: { kind: 'group', group: 'no-such-group' }, config: { yaml: collectorYaml('unknown-group'), name: 'refused-unknown' } });
    expect(unknown.ok ? null : unknown.error.code).toMatch(/^target\./);
    expect(await configKeys()).toEqual(before);

    const holding = await bed.createConfig(collectorYaml('holding'), 'refused-holding');
    const plan = [{ name: 'canary', count: 1, windowMs: 60_000, requireApproval: true }, { name: 'full', percent: 100 }];
    accepted(await bed.startRollout({ target: { kind: 'group', group: 'refused' }, configHash: holding, plan }));
    const withHolding = await configKeys();

    const busy = await bed.startRollout({ target: { kind: 'group', group: 'refused' }, config: { yaml: collectorYaml('busy-group'), name: 'refused-busy' } });
    expect(busy.ok).toBe(false);
    expect(await configKeys()).toEqual(withHolding);

  });
});
