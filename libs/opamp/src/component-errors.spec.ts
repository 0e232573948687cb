import { componentErrors, MAX_COMPONENT_ERRORS } from './component-errors';

describe('componentErrors', () => {
  it('lists unhealthy components with their path, deepest first, leaving out healthy ones and the top level', () => {
    const health = {
      healthy: false,
      lastError: 'collector unhealthy',
      componentHealthMap: {
        'pipeline:traces': {
          healthy: false,
          lastError: 'pipeline failed',
          componentHealthMap: {
            'receiver:otlp': { healthy: false, lastError: 'listen tcp 127.0.0.1:4317: bind: address already in use' },
            'exporter:debug': { healthy: true, lastError: '' },
          },
        },
        'extension:opamp': { healthy: true },
        'pipeline:logs': { healthy: false, lastError: '' },
      },
    };
    expect(componentErrors(health)).toEqual(['pipeline:traces/receiver:otlp: listen tcp 127.0.0.1:4317: bind: address already in use', 'pipeline:traces: pipeline failed']);
    expect(componentErrors({ healthy: false, lastError: 'top only' })).toEqual([]);
  });

  it(`keeps at most ${MAX_COMPONENT_ERRORS}`, () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`exporter:e${String(i).padStart(2, '0')}`, { healthy: false, lastError: 'down' }]));
    expect(componentErrors({ healthy: false, componentHealthMap: many })).toHaveLength(MAX_COMPONENT_ERRORS);
  });
});
