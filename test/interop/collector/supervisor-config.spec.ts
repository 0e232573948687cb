import { parse } from 'yaml';
import { COLLECTOR_ARGS, SUPERVISOR_CAPABILITIES, supervisorConfigYaml } from './supervisor-config';

const base = {
  serverUrl: 'ws://127.0.0.1:4320/v1/opamp',
  collectorPath: '/opt/otelcol-roost',
  storageDir: '/var/lib/supervisor',
  instanceUid: '0193a0e2-8a3c-7f00-8000-000000000001',
  identifying: { 'service.name': 'otelcol-roost', 'service.environment': 'edge' },
  env: { PORT_A: '4318' },
  logFile: '/var/log/supervisor.log',
};

describe('supervisorConfigYaml', () => {
  it('given a WebSocket endpoint, writes the capabilities Roost reads, the group, ports as strings and a 2s apply timeout', () => {
    const config = parse(supervisorConfigYaml(base));
    expect(config.server).toEqual({ endpoint: base.serverUrl, tls: { insecure: true } });
    expect(config.capabilities).toEqual(SUPERVISOR_CAPABILITIES);
    expect(config.agent).toMatchObject({
      executable: base.collectorPath,
      instance_id: base.instanceUid,
      config_apply_timeout: '2s',
      args: [...COLLECTOR_ARGS],
      env: { PORT_A: '4318' },
      description: { identifying_attributes: { 'service.environment': 'edge' } },
    });
    expect(config.storage).toEqual({ directory: base.storageDir });
  });

  it('given a TLS endpoint, leaves TLS on', () => {
    expect(parse(supervisorConfigYaml({ ...base, serverUrl: 'wss://roost.example:4320/v1/opamp' })).server).toEqual({ endpoint: 'wss://roost.example:4320/v1/opamp' });
  });
});
