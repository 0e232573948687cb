/**
 * deploy/ against the code: the Dockerfile, the compose file and the Kubernetes manifests may
 * only set variables the `roost` binary reads, run services it knows, and use the ports and
 * probe paths the services serve. Renaming a variable, a port default or a probe path without
 * updating deploy/ fails here. Pure: reads files, runs no Docker and no kubectl.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultPort, PORT_SETTINGS, portsOf, REPO_ROOT, SERVICE_NAMES, serviceServesPath, SETTINGS } from './code-facts';
import {
  containerOf,
  DEPLOYMENTS,
  generatedKeys,
  IMAGE,
  KUBERNETES,
  KUSTOMIZATION,
  literalEnv,
  OBJECTS,
  readCompose,
  readDockerfile,
  resolvePort,
  serviceOf,
  SERVICES,
  urlsIn,
  type ComposeService,
  type Deployment,
  type Probe,
} from './deploy-files';

/** A variable the binary reads, or one Node reads for it (the projector's young generation: NODE_OPTIONS). */
const readByRoost = (env: string): boolean => SETTINGS.has(env) || env === 'NODE_OPTIONS';

describe('what deploy/ is checked against', () => {
  it('reads the settings table and the service names from the code', () => {
    expect(SETTINGS.size).toBeGreaterThanOrEqual(10);
    expect([...SETTINGS.keys()]).toEqual(expect.arrayContaining(['ROOST_HOST', 'NATS_URL', 'REDIS_URL', 'ROOST_API_TOKENS', 'GATEWAY_ID']));
    expect(SERVICE_NAMES).toEqual(expect.arrayContaining(Object.keys(PORT_SETTINGS)));
    expect(SERVICE_NAMES).toHaveLength(Object.keys(PORT_SETTINGS).length);
    for (const env of Object.values(PORT_SETTINGS).flat()) expect(Number.isInteger(defaultPort(env))).toBe(true);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readDockerfile();
  const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

  it('runs the roost binary with tsx, a runtime dependency, so `docker run roost gateway` runs one service', () => {
    expect(dockerfile.entrypoint.slice(-1)).toEqual(['services/all-in-one/src/main.ts']);
    expect(existsSync(join(REPO_ROOT, 'services/all-in-one/src/main.ts'))).toBe(true);
    expect(dockerfile.entrypoint).toContain('tsx');
    expect(packageJson.dependencies).toHaveProperty('tsx');
    expect(dockerfile.runs.some((run) => /npm ci\b.*--omit=dev/.test(run))).toBe(true);
  });

  it('copies only paths that exist, including the tsconfig files that carry the @roost/* aliases', () => {
    for (const path of dockerfile.copied) expect(existsSync(join(REPO_ROOT, path))).toBe(true);
    expect(dockerfile.copied).toEqual(expect.arrayContaining(['tsconfig.json', 'tsconfig.base.json', 'proto', 'libs', 'services']));
  });

  it('sets only settings of the binary, listens on every interface and runs as a non-root user', () => {
    for (const env of Object.keys(dockerfile.env)) expect(SETTINGS.has(env)).toBe(true);
    expect(dockerfile.env['ROOST_HOST']).toBe('0.0.0.0');
    expect(dockerfile.user).toBeDefined();
    expect(['root', '0']).not.toContain(dockerfile.user);
  });

  it('exposes the default port of every endpoint', () => {
    const defaults = Object.values(PORT_SETTINGS).flat().map(defaultPort);
    expect([...dockerfile.expose].sort()).toEqual([...defaults].sort());
  });
});

describe('deploy/compose.yaml', () => {
  const services = readCompose();
  const roost = Object.entries(services).filter(([, service]) => service.image === IMAGE);
  const running = (name: string): [string, ComposeService][] => roost.filter(([, service]) => serviceOf(service.command) === name);

  it('runs only services the binary knows, with only variables it reads', () => {
    expect(roost.length).toBeGreaterThan(0);
    for (const [, service] of roost) {
      expect(SERVICE_NAMES).toContain(serviceOf(service.command));
      for (const env of Object.keys(service.environment ?? {})) expect([env, readByRoost(env)]).toEqual([env, true]);
    }
  });

  it('runs exactly one projector, at least two orchestrators and gateways with distinct GATEWAY_IDs', () => {
    expect(running('projector')).toHaveLength(1);
    expect(running('orchestrator').length).toBeGreaterThanOrEqual(2);
    const gatewayIds = running('gateway').map(([, service]) => service.environment?.['GATEWAY_ID']);
    expect(gatewayIds.length).toBeGreaterThanOrEqual(2);
    expect(gatewayIds.every((id) => typeof id === 'string' && /^[-_A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(gatewayIds).size).toBe(gatewayIds.length);
    const orchestratorIds = running('orchestrator').map(([, service]) => service.environment?.['ORCHESTRATOR_ID']);
    expect(new Set(orchestratorIds).size).toBe(orchestratorIds.length);
    expect(running('admin-api').length).toBeGreaterThanOrEqual(1);
  });

  it('runs a 3-node JetStream cluster whose servers route to each other, and gives every service all of them with three replicas', () => {
    const nats = Object.entries(services).filter(([, service]) => service.image?.startsWith('nats:'));
    expect(nats.map(([name]) => name).sort()).toEqual(['nats-1', 'nats-2', 'nats-3']);
    for (const [name, service] of nats) {
      const command = service.command ?? [];
      const flag = (which: string): string | undefined => command[command.indexOf(which) + 1];
      expect(command).toContain('--jetstream');
      expect([name, flag('--server_name'), flag('--cluster_name')]).toEqual([name, name, 'roost']);
      const routes = (flag('--routes') ?? '').split(',').map((route) => new URL(route).hostname).sort();
      expect([name, routes]).toEqual([name, nats.map(([other]) => other).filter((other) => other !== name)]);
    }
    for (const [name, service] of roost) {
      const urls = (service.environment?.['NATS_URL'] ?? '').split(',').map((url) => new URL(url));
      expect([name, urls.map((url) => `${url.hostname}:${url.port}`).sort()]).toEqual([name, nats.map(([host]) => `${host}:4222`)]);
      expect([name, service.environment?.['NATS_REPLICAS']]).toEqual([name, '3']);
    }
  });

  it('finds the views’ Redis through three Sentinels that watch the primary of the file, whose replica follows it', () => {
    const sentinels = Object.entries(services).filter(([name]) => name.startsWith('redis-sentinel-'));
    expect(sentinels).toHaveLength(3);
    const monitored = sentinels.map(([, service]) => /sentinel monitor (\S+) (\S+) (\d+) (\d+)/.exec((service.command ?? []).join(' ')));
    for (const match of monitored) expect(match).not.toBeNull();
    const [, master, host, port, quorum] = monitored[0] as RegExpExecArray;
    expect(services[host as string]?.image).toMatch(/^redis:/);
    expect(Number(quorum)).toBe(2);
    const replica = services['redis-replica']?.command ?? [];
    expect(replica.slice(replica.indexOf('--replicaof') + 1, replica.indexOf('--replicaof') + 3)).toEqual([host, port]);
    for (const [name, service] of roost.filter(([, candidate]) => ['projector', 'admin-api'].includes(serviceOf(candidate.command)))) {
      const listed = (service.environment?.['REDIS_SENTINELS'] ?? '').split(',').map((address) => address.split(':')[0]);
      expect([name, listed.sort()]).toEqual([name, sentinels.map(([sentinel]) => sentinel)]);
      expect([name, service.environment?.['REDIS_SENTINEL_MASTER']]).toEqual([name, master]);
      expect([name, service.environment?.['REDIS_URL']]).toEqual([name, undefined]);
    }
  });

  it('checks readiness on the port and path each service serves, and publishes only ports it listens on', () => {
    for (const [name, service] of roost) {
      const which = serviceOf(service.command);
      const ports = portsOf(which, service.environment ?? {});
      const published = (service.ports ?? []).map((mapping) => Number(mapping.split(':').pop()));
      for (const port of published) expect([name, ports]).toEqual([name, expect.arrayContaining([port])]);
      const urls = urlsIn(service.healthcheck?.test ?? []);
      if (ports.length === 0) {
        expect([name, urls]).toEqual([name, []]);
        continue;
      }
      expect([name, urls.map((url) => `${url.port}${url.pathname}`)]).toEqual([name, [`${ports[0]}/readyz`]]);
      expect(serviceServesPath(which, '/readyz')).toBe(true);
    }
  });

  it('gives the admin API tokens, as it refuses to listen on 0.0.0.0 without them', () => {
    for (const [, service] of running('admin-api')) expect(Object.keys(service.environment ?? {})).toContain('ROOST_API_TOKENS');
  });
});

describe('deploy/kubernetes', () => {
  const byService = (name: string): Deployment[] => DEPLOYMENTS.filter((deployment) => serviceOf(containerOf(deployment).args) === name);
  const generated = generatedKeys();

  it('lists only files that exist, ships no NATS or Redis of its own and names the image kustomize sets', () => {
    for (const resource of KUSTOMIZATION.resources) expect(existsSync(join(KUBERNETES, resource))).toBe(true);
    expect(OBJECTS.filter((object) => object['kind'] === 'StatefulSet')).toEqual([]);
    expect(KUSTOMIZATION.images?.map((image) => image.name)).toContain(IMAGE);
    for (const deployment of DEPLOYMENTS) expect(containerOf(deployment).image).toBe(IMAGE);
  });

  it('runs every service the binary knows, and only those', () => {
    expect(DEPLOYMENTS.map((deployment) => serviceOf(containerOf(deployment).args)).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it('sets only variables the binary reads, from keys its ConfigMap and Secret hold', () => {
    for (const keys of generated.values()) for (const key of keys) expect([key, SETTINGS.has(key)]).toEqual([key, true]);
    for (const deployment of DEPLOYMENTS) {
      const container = containerOf(deployment);
      expect(container.envFrom).toBeUndefined();
      for (const variable of container.env ?? []) {
        expect([variable.name, readByRoost(variable.name)]).toEqual([variable.name, true]);
        const from = variable.valueFrom as { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } | undefined;
        if (from?.configMapKeyRef) expect(generated.get(`ConfigMap/${from.configMapKeyRef.name}`)).toContain(from.configMapKeyRef.key);
        if (from?.secretKeyRef) expect(generated.get(`Secret/${from.secretKeyRef.name}`)).toContain(from.secretKeyRef.key);
      }
    }
  });

  it('gives NATS to every service, Redis to the projector and the admin API, tokens to the admin API', () => {
    for (const deployment of DEPLOYMENTS) {
      const names = (containerOf(deployment).env ?? []).map((variable) => variable.name);
      const which = serviceOf(containerOf(deployment).args);
      expect([which, names]).toEqual([which, expect.arrayContaining(['NATS_URL', ...(['projector', 'admin-api'].includes(which) ? ['REDIS_URL'] : [])])]);
      if (which === 'admin-api') expect(names).toContain('ROOST_API_TOKENS');
    }
  });

  it('keeps three copies of every stream and bucket, on the 3-node JetStream cluster nats-values.yaml describes', () => {
    const literals = KUSTOMIZATION.configMapGenerator?.flatMap((generator) => generator.literals ?? []) ?? [];
    expect(literals).toContain('NATS_REPLICAS=3');
    for (const deployment of DEPLOYMENTS) {
      const variable = containerOf(deployment).env?.find((candidate) => candidate.name === 'NATS_REPLICAS');
      expect([serviceOf(containerOf(deployment).args), variable?.valueFrom]).toEqual([serviceOf(containerOf(deployment).args), { configMapKeyRef: { name: 'roost-config', key: 'NATS_REPLICAS' } }]);
    }
    const values = parse(readFileSync(join(KUBERNETES, 'nats-values.yaml'), 'utf8')) as { config: { cluster: { enabled: boolean; replicas: number }; jetstream: { enabled: boolean } } };
    expect(values.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.enabled).toBe(true);
    expect(KUSTOMIZATION.resources).not.toContain('nats-values.yaml');
  });

  it('runs one projector (Recreate), two orchestrators and gateways whose ids are their pod names', () => {
    const [projector, ...moreProjectors] = byService('projector');
    expect(moreProjectors).toEqual([]);
    expect(projector?.spec.replicas).toBe(1);
    expect(projector?.spec.strategy?.type).toBe('Recreate');
    expect(byService('orchestrator').reduce((sum, deployment) => sum + deployment.spec.replicas, 0)).toBeGreaterThanOrEqual(2);
    const gateways = byService('gateway');
    expect(gateways.reduce((sum, deployment) => sum + deployment.spec.replicas, 0)).toBeGreaterThanOrEqual(2);
    for (const deployment of [...gateways, ...byService('orchestrator')]) {
      const variable = containerOf(deployment).env?.find((candidate) => ['GATEWAY_ID', 'ORCHESTRATOR_ID'].includes(candidate.name));
      // A literal id would be shared by every replica; the pod name is unique.
      expect(variable?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    }
  });

  it('declares the ports each service listens on and probes its HTTP port on paths it serves', () => {
    for (const deployment of DEPLOYMENTS) {
      const container = containerOf(deployment);
      const which = serviceOf(container.args);
      const ports = portsOf(which, literalEnv(container));
      expect([which, (container.ports ?? []).map((port) => port.containerPort)]).toEqual([which, ports]);
      const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe].filter((probe): probe is Probe => probe !== undefined);
      if (ports.length === 0) {
        expect([which, probes]).toEqual([which, []]);
        continue;
      }
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container.livenessProbe?.httpGet).toBeDefined();
      for (const probe of probes) {
        expect([which, resolvePort(container, probe.httpGet?.port ?? '')]).toEqual([which, ports[0]]);
        expect([which, probe.httpGet?.path, serviceServesPath(which, probe.httpGet?.path ?? '')]).toEqual([which, probe.httpGet?.path, true]);
      }
    }
  });

  it('routes each Service to a port its pods listen on', () => {
    expect(SERVICES.length).toBeGreaterThan(0);
    for (const service of SERVICES) {
      const targets = DEPLOYMENTS.filter((deployment) => Object.entries(service.spec.selector).every(([key, value]) => deployment.spec.template.metadata.labels[key] === value));
      expect([service.metadata.name, targets.length]).toEqual([service.metadata.name, 1]);
      const container = containerOf(targets[0] as Deployment);
      for (const port of service.spec.ports) expect([service.metadata.name, resolvePort(container, port.targetPort)]).toEqual([service.metadata.name, port.port]);
    }
  });
});
