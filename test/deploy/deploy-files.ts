/**
 * Readers of deploy/: the Dockerfile's instructions, the compose file's services, and the
 * Kubernetes objects and generated ConfigMap/Secret keys of the kustomization (raw files, as
 * `kubectl kustomize` would assemble them; no kubectl is run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './code-facts';

export const DEPLOY = join(REPO_ROOT, 'deploy');
export const KUBERNETES = join(DEPLOY, 'kubernetes');
/** The image deploy/README.md builds (`docker build -f deploy/Dockerfile -t roost .`). */
export const IMAGE = 'roost';

type Yaml = Record<string, unknown>;

export interface Dockerfile {
  readonly env: Record<string, string>;
  readonly expose: number[];
  readonly entrypoint: string[];
  readonly user: string | undefined;
  readonly copied: string[];
  readonly runs: string[];
}

export function readDockerfile(): Dockerfile {
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

export interface ComposeService {
  readonly image?: string;
  readonly command?: string[];
  readonly environment?: Record<string, string>;
  readonly ports?: string[];
  readonly healthcheck?: { readonly test?: string[] };
}

export function readCompose(): Record<string, ComposeService> {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return compose.services;
}

/** The URLs a healthcheck fetches. */
export function urlsIn(words: readonly string[]): URL[] {
  return words.flatMap((word) => [...word.matchAll(/https?:\/\/[^'"\s)]+/g)].map((match) => new URL(match[0])));
}

// ---- deploy/kubernetes ---------------------------------------------------------------------------

export interface Kustomization {
  readonly resources: string[];
  readonly configMapGenerator?: { name: string; literals?: string[]; envs?: string[] }[];
  readonly secretGenerator?: { name: string; literals?: string[]; envs?: string[] }[];
  readonly images?: { name: string }[];
}

export const KUSTOMIZATION = parse(readFileSync(join(KUBERNETES, 'kustomization.yaml'), 'utf8')) as Kustomization;

export function kubernetesObjects(): Yaml[] {
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
export function generatedKeys(): Map<string, string[]> {
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

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
}

export interface Container {
  readonly image: string;
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: Yaml }[];
  readonly envFrom?: unknown[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
}

export interface Deployment {
  readonly metadata: { name: string };
  readonly spec: {
    replicas: number;
    strategy?: { type: string };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
  };
}

export interface Service {
  readonly metadata: { name: string };
  readonly spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
}

export const OBJECTS = kubernetesObjects();
export const DEPLOYMENTS = OBJECTS.filter((object) => object['kind'] === 'Deployment') as unknown as Deployment[];
export const SERVICES = OBJECTS.filter((object) => object['kind'] === 'Service') as unknown as Service[];

export function containerOf(deployment: Deployment): Container {
  const [container, ...others] = deployment.spec.template.spec.containers;
  if (container === undefined || others.length > 0) throw new Error(`${deployment.metadata.name} should run one container`);
  return container;
}

export function serviceOf(args: readonly string[] | undefined): string {
  const named = (args ?? []).filter((arg) => !arg.startsWith('--'));
  if (named.length !== 1) throw new Error(`expected one service name in ${JSON.stringify(args)}`);
  return named[0] as string;
}

/** Literal values of the container's variables; variables from refs count as set to their ref. */
export function literalEnv(container: Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value ?? JSON.stringify(variable.valueFrom)]));
}

export function resolvePort(container: Container, port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}
