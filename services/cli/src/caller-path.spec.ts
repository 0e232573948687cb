import { callerPath } from './caller-path';

describe('callerPath', () => {
  it('resolves a relative file from the working directory of the installed command', () => {
    expect(callerPath('x.yaml', '/home/me/docs', {})).toBe('/home/me/docs/x.yaml');
    expect(callerPath('../x.yaml', '/home/me/docs', { INIT_CWD: '/elsewhere' })).toBe('/home/me/x.yaml');
  });

  it('resolves it from where `npm run roost` was typed, not the repository root npm moved to', () => {
    expect(callerPath('x.yaml', '/repo', { npm_lifecycle_event: 'roost', INIT_CWD: '/home/me/docs' })).toBe('/home/me/docs/x.yaml');
  });

  it('keeps an absolute path as it is', () => {
    expect(callerPath('/etc/otel.yaml', '/repo', { npm_lifecycle_event: 'roost', INIT_CWD: '/home/me' })).toBe('/etc/otel.yaml');
  });
});
