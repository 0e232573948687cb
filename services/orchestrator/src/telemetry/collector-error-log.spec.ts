import type { FleetAgent } from '@roost/fleet';
import { CollectorErrorLog } from './collector-error-log';

const agent = (agentId: string, capabilities: number): FleetAgent => ({ agentId, connected: true, capabilities, identifying: {}, nonIdentifying: {} });
const message = (agentId: string, at: number, ...texts: string[]) => ({ agentId, at, records: texts.map((text) => ({ time: at, severity: 'ERROR', text })) });

describe('CollectorErrorLog', () => {
  it("answers the rollout engine with an agent's records since a time, null for an agent without ReportsOwnLogs", () => {
    const log = new CollectorErrorLog({ maxAgents: 10, recordsPerAgent: 16 });
    log.add(message('a', 100, 'old'));
    log.add(message('a', 200, 'bind failed'));
    const agents = new Map([['a', agent('a', 0x80)], ['b', agent('b', 0x40)]]);
    const errorsOf = log.errorsOf((agentId) => agents.get(agentId));
    expect(errorsOf('a', 150)).toEqual(['bind failed']);
    expect(errorsOf('a', 300)).toEqual([]);
    expect(errorsOf('b', 0)).toBeNull();
    expect(errorsOf('unknown', 0)).toBeNull();
  });

  it('keeps at most maxAgents agents, dropping the one heard from longest ago', () => {
    const log = new CollectorErrorLog({ maxAgents: 2, recordsPerAgent: 4 });
    log.add(message('a', 1, 'x'));
    log.add(message('b', 2, 'y'));
    log.add(message('a', 3, 'z'));
    log.add(message('c', 4, 'w'));
    expect(log.agents).toBe(2);
    expect(log.since('b', 0)).toEqual([]);
    expect(log.since('a', 0)).toEqual(['z', 'x']);
  });
});
