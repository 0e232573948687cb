import { HTTP_ROUTES, matchRoute } from './http-routes';

describe('HTTP routes', () => {
  it('matches paths with parameters, decoded', () => {
    expect(matchRoute(HTTP_ROUTES, 'GET', '/api/v1/configs/gateway%40base@2')).toMatchObject({ route: { operation: 'config.get' }, params: { ref: 'gateway@base@2' } });
    expect(matchRoute(HTTP_ROUTES, 'GET', '/api/v1/configs/a/diff/b')).toMatchObject({ route: { operation: 'config.diff' }, params: { ref: 'a', to: 'b' } });
    expect(matchRoute(HTTP_ROUTES, 'POST', '/api/v1/rollouts/r-1/rollback')).toMatchObject({ route: { operation: 'rollout.rollback' }, params: { rolloutId: 'r-1' } });
    expect(matchRoute(HTTP_ROUTES, 'POST', '/api/rollout')).toMatchObject({ route: { operation: 'rollout.start_original', status: 202 } });
  });

  it('tells an unknown path from a method the path does not answer', () => {
    expect(matchRoute(HTTP_ROUTES, 'GET', '/api/v1/nothing')).toBeNull();
    expect(matchRoute(HTTP_ROUTES, 'GET', '/api/v1/agents/')).toBeNull();
    expect(matchRoute(HTTP_ROUTES, 'DELETE', '/api/v1/rollouts/r-1')).toBe('method_mismatch');
  });

  it('has one route per method and path, and one per operation', () => {
    const keys = HTTP_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const operations = HTTP_ROUTES.map((route) => route.operation);
    expect(new Set(operations).size).toBe(operations.length);
  });
});
