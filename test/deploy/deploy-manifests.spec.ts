/**
 * deploy/ against the code: the Dockerfile, the compose file and the Kubernetes manifests may
 * only set variables the `roost` binary reads, run services it knows, and use the ports and
 * probe paths the services serve. Renaming a variable, a port default or a probe path without
 * updating deploy/ fails here. Pure: reads files, runs no Docker and no kubectl.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

const REPO_ROOT = join(__dirname, '..', '..');
const DEPLOY = join(REPO_ROOT, 'deploy');
const KUBERNETES = join(DEPLOY, 'kubernetes');
/** The image deploy/README.md builds (`docker build -f deploy/Dockerfile -t roost .`). */
const IMAGE = 'roost';

type Yaml = Record<string, unknown>;

// ---- what the code defines -------------------------------------------------------------------

interface Setting {
  readonly name: string;
  readonly env: string;
  readonly kind: string;
  readonly fallback: string | undefined;
}

/** Reads an exported `const` initializer of a source file, under its `as const` / `satisfies`. */
function exportedConst(file: string, name: string): ts.Expression {
  const source = ts.createSourceFile(file, readFileSync(join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
        let expression: ts.Expression = declaration.initializer;
        while (ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isParenthesizedExpression(expression)) expression = expression.expression;
        return expression;
      }
    }
  }
  throw new Error(`${file} exports no const ${name}`);
}

function stringProperty(object: ts.ObjectLiteralExpression, key: string): string | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === key && ts.isStringLiteral(property.initializer)) {
      return property.initializer.text;
    }
  }
  return undefined;
}

/** SETTINGS of services/all-in-one/src/settings-table.ts (the test tier may not import an app). */
function readSettings(): Map<string, Setting> {
  const table = exportedConst('services/all-in-one/src/settings-table.ts', 'SETTINGS');
  if (!ts.isObjectLiteralExpression(table)) throw new Error('SETTINGS is not an object literal');
  const byEnv = new Map<string, Setting>();
  for (const property of table.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name) || !ts.isObjectLiteralExpression(property.initializer)) continue;
    const spec = property.initializer;
    const env = stringProperty(spec, 'env');
    const kind = stringProperty(spec, 'kind');
    if (env === undefined || kind === undefined) throw new Error(`setting ${property.name.text} has no env or kind`);
    byEnv.set(env, { name: property.name.text, env, kind, fallback: stringProperty(spec, 'fallback') });
  }
  return byEnv;
}

/** SERVICE_NAMES of services/all-in-one/src/command-line.ts. */
function readServiceNames(): string[] {
  const names = exportedConst('services/all-in-one/src/command-line.ts', 'SERVICE_NAMES');
  if (!ts.isArrayLiteralExpression(names)) throw new Error('SERVICE_NAMES is not an array literal');
  return names.elements.map((element) => {
    if (!ts.isStringLiteral(element)) throw new Error('SERVICE_NAMES holds a non-string');
    return element.text;
  });
}

const SETTINGS = readSettings();
const SERVICE_NAMES = readServiceNames();

/** Which port settings each service listens on; the first one serves its HTTP probes. */
const PORT_SETTINGS: Record<string, readonly string[]> = {
  gateway: ['GATEWAY_PORT'],
  projector: ['PROJECTOR_PORT'],
  'admin-api': ['ADMIN_HTTP_PORT', 'ADMIN_GRPC_PORT'],
  orchestrator: [],
};

function defaultPort(env: string): number {
  const setting = SETTINGS.get(env);
  if (setting === undefined || setting.kind !== 'port') throw new Error(`${env} is not a port setting of the roost binary`);
  return Number(setting.fallback);
}

/** The ports a service listens on, given the variables its container sets. */
function portsOf(service: string, env: Readonly<Record<string, string>>): number[] {
  return (PORT_SETTINGS[service] ?? []).map((name) => Number(env[name] ?? defaultPort(name)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** True when the service's own code names this HTTP path (a probe path that exists). */
function serviceServesPath(service: string, path: string): boolean {
  return sourceFiles(join(REPO_ROOT, 'services', service, 'src')).some((file) => readFileSync(file, 'utf8').includes(`'${path}'`));
}

// ---- deploy/Dockerfile ---------------------------------------------------------------------------

interface Dockerfile {
  readonly env: Record<string, string>;
  readonly expose: number[];
  readonly entrypoint: string[];
  readonly user: string | undefined;
  readonly copied: string[];
  readonly runs: string[];
}

function readDockerfile(): Dockerfile {
  const lines = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const result: Dockerfile = { env: {}, expose: [], entrypoint: [], user: undefined, copied: [], runs: [] };
  let user: string | undefined;
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'ENV':
        for (const pair of rest) {
          const [key, value] = pair.split('=');
          if (key !== undefined && value !== undefined) result.env[key] = value;
        }
        break;
      case 'EXPOSE':
        result.expose.push(...rest.map((port) => Number(port.split('/')[0])));
        break;
      case 'ENTRYPOINT':
        result.entrypoint.push(...(JSON.parse(args) as string[]));
        break;
      case 'USER':
        user = args;
        break;
      case 'RUN':
        result.runs.push(args);
        break;
      case 'COPY':
        if (!rest.some((arg) => arg.startsWith('--from'))) result.copied.push(...rest.slice(0, -1));
        break;
    }
  }
  return { ...result, user };
}

// ---- deploy/compose.yaml -------------------------------------------------------------------------

interface ComposeService {
  readonly image?: string;
  readonly command?: string[];
  readonly environment?: Record<string, string>;
  readonly ports?: string[];
  readonly healthcheck?: { readonly test?: string[] };
}

function readCompose(): Record<string, ComposeService> {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return compose.services;
}

/** The URLs a healthcheck fetches. */
function urlsIn(words: readonly string[]): URL[] {
  return words.flatMap((word) => [...word.matchAll(/https?:\/\/[^'"\s)]+/g)].map((match) => new URL(match[0])));
}

// ---- deploy/kubernetes ---------------------------------------------------------------------------

interface Kustomization {
  readonly resources: string[];
  readonly configMapGenerator?: { name: string; literals?: string[]; envs?: string[] }[];
  readonly secretGenerator?: { name: string; literals?: string[]; envs?: string[] }[];
  readonly images?: { name: string }[];
}

const KUSTOMIZATION = parse(readFileSync(join(KUBERNETES, 'kustomization.yaml'), 'utf8')) as Kustomization;

function kubernetesObjects(): Yaml[] {
  return KUSTOMIZATION.resources.flatMap((resource) =>
    parseAllDocuments(readFileSync(join(KUBERNETES, resource), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${resource}: ${document.errors.map(String).join('; ')}`);
      return document.toJS() as Yaml;
    }),
  );
}

function keysOfEnvFile(file: string): string[] {
  return readFileSync(join(KUBERNETES, file), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('=')[0] as string);
}

/** Keys of every generated ConfigMap and Secret, by kind and name. */
function generatedKeys(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const add = (kind: string, generators: Kustomization['configMapGenerator']): void => {
    for (const generator of generators ?? []) {
      const literal = (generator.literals ?? []).map((entry) => entry.split('=')[0] as string);
      keys.set(`${kind}/${generator.name}`, [...literal, ...(generator.envs ?? []).flatMap(keysOfEnvFile)]);
    }
  };
  add('ConfigMap', KUSTOMIZATION.configMapGenerator);
  add('Secret', KUSTOMIZATION.secretGenerator);
  return keys;
}

interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
}

interface Container {
  readonly image: string;
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: Yaml }[];
  readonly envFrom?: unknown[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
}

interface Deployment {
  readonly metadata: { name: string };
  readonly spec: {
    replicas: number;
    strategy?: { type: string };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
  };
}

interface Service {
  readonly metadata: { name: string };
  readonly spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
}

const OBJECTS = kubernetesObjects();
const DEPLOYMENTS = OBJECTS.filter((object) => object['kind'] === 'Deployment') as unknown as Deployment[];
const SERVICES = OBJECTS.filter((object) => object['kind'] === 'Service') as unknown as Service[];

function containerOf(deployment: Deployment): Container {
  const [container, ...others] = deployment.spec.template.spec.containers;
  if (container === undefined || others.length > 0) throw new Error(`${deployment.metadata.name} should run one container`);
  return container;
}

function serviceOf(args: readonly string[] | undefined): string {
  const named = (args ?? []).filter((arg) => !arg.startsWith('--'));
  if (named.length !== 1) throw new Error(`expected one service name in ${JSON.stringify(args)}`);
  return named[0] as string;
}

/** Literal values of the container's variables; variables from refs count as set to their ref. */
function literalEnv(container: Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value ?? JSON.stringify(variable.valueFrom)]));
}

function resolvePort(container: Container, port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

// ---- the checks ----------------------------------------------------------------------------------

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
      for (const env of Object.keys(service.environment ?? {})) expect([env, SETTINGS.has(env)]).toEqual([env, true]);
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

  it('points every service at the NATS (JetStream on) and the views at the Redis of the file', () => {
    const nats = services['nats'];
    expect(nats?.command).toEqual(expect.arrayContaining(['--jetstream']));
    expect(services['redis']).toBeDefined();
    for (const [, service] of roost) {
      expect(new URL(service.environment?.['NATS_URL'] ?? '').hostname).toBe('nats');
      if (['projector', 'admin-api'].includes(serviceOf(service.command))) expect(new URL(service.environment?.['REDIS_URL'] ?? '').hostname).toBe('redis');
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
        expect([variable.name, SETTINGS.has(variable.name)]).toEqual([variable.name, true]);
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
