import { hrefs, parseRoute } from './route';

describe('parseRoute', () => {
  it('reads the section, the decoded parts after it and the query', () => {
    const route = parseRoute(`#/rollouts/${encodeURIComponent('r/1 x')}?status=paused`);
    expect([route.section, route.parts, route.query.get('status')]).toEqual(['rollouts', ['r/1 x'], 'paused']);
    expect(parseRoute('#/configs/otel-edge?version=2&from=1&to=2').query.toString()).toBe('version=2&from=1&to=2');
  });

  it('takes an empty or unknown hash for the fleet, and keeps a part that is not valid percent-encoding as typed', () => {
    expect(parseRoute('')).toMatchObject({ section: 'fleet', parts: [] });
    expect(parseRoute('#/nowhere/x')).toMatchObject({ section: 'fleet', parts: [] });
    expect(parseRoute('#/fleet?group=shop').query.get('group')).toBe('shop');
    expect(parseRoute('#/agents/%E0%A4%A').parts).toEqual(['%E0%A4%A']);
  });

  it('builds the hashes it reads back', () => {
    expect(parseRoute(hrefs.rollout('r/1')).parts).toEqual(['r/1']);
    expect(hrefs.config('otel edge', { version: 3 })).toBe('#/configs/otel%20edge?version=3');
  });
});
