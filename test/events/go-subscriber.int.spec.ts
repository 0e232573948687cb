/**
 * Roost's events as another team reads them: a subscriber written in Go with nats.go
 * (test/events/subscriber, built from the Go module proxy), knowing only docs/events.md and the
 * published schemas (docs/events/schemas), follows a rollout on a real nats-server from its
 * first event to its last through a durable consumer, then reads FLEET_EVENTS and AUDIT. Every
 * message is checked against the JSON Schema of its type and version, and its CloudEvents
 * headers against the schema index; an event of a type it does not know is skipped.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { subjects } from '@roost/contracts';
import { createMemoryViewStore } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import type { Platform } from '@roost/ports';
import { startNatsServer, type TestServer } from '@roost/testing';
import { collectorYaml, TEST_TIMING } from '../support/collector-config';
import { buildGoProgram } from '../support/go-build';
import { startRoostInProcess, type RoostInProcess } from '../support/roost-in-process';

jest.setTimeout(240_000);

const REPO_ROOT = join(__dirname, '../..');

interface SubscriberSummary {
  followed: string;
  rollouts: Record<string, { events: number; types: string[]; terminal: string }>;
  validated: Record<string, number>;
  ceTypes: Record<string, number>;
  skipped: number;
  errors: string[];
}

/** Runs the subscriber to its end; resolves with its exit code and JSON summary. */
function runSubscriber(binary: string, natsUrl: string): Promise<{ code: number; summary: SubscriberSummary; stderr: string }> {
  const args = ['--nats', natsUrl, '--schemas', join(REPO_ROOT, 'docs/events/schemas'), '--durable', 'another-team', '--timeout', '150s'];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 180_000 }, (error, stdout, stderr) => {
      try {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, summary: JSON.parse(stdout) as SubscriberSummary, stderr });
      } catch {
        reject(new Error(`the events subscriber printed no summary (${error?.message ?? 'exit 0'}): ${stdout}${stderr}`));
      }
    });
  });
}

describe('a Go subscriber following Roost events by the book', () => {
  /** Starts a rollout over the group with the admin API and resolves with its id. */
  async function startRollout(yaml: string): Promise<string> {
    const started = await fetch(`${roost.api.url}/api/v1/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: { group: 'events' }, configYaml: yaml, plan: [{ count: 1, windowMs: 0 }, { percent: 100, windowMs: 0 }], acceptKeepNewOnFailure: true, timing: TEST_TIMING }),
    });
    const answer = (await started.json()) as { rolloutId: string };
    expect({ status: started.status, answer }).toEqual({ status: 201, answer: expect.objectContaining({ rolloutId: expect.any(String) }) });
    return answer.rolloutId;
  }

  let binary: string;
  let nats: TestServer;
  let platform: Platform;
  let roost: RoostInProcess;

  beforeAll(async () => {
    [binary, nats] = await Promise.all([buildGoProgram(join(__dirname, 'subscriber'), 'roost-events-subscriber'), startNatsServer()]);
    platform = await connectNatsPlatform({ url: nats.url, name: 'events-test', views: createMemoryViewStore() });
    roost = await startRoostInProcess(platform, { gatewayId: 'gw-events', group: 'events', agents: 4, seed: 'events-subscriber', grpcPort: null });
  });

  afterAll(async () => {
    await roost?.stop();
    await platform?.close();
    await nats?.stop();
  });

  it('follows a rollout from start to end, every rollout, fleet and audit event valid against its schema, with CloudEvents headers', async () => {
    // An event of a type a newer Roost might add: the subscriber skips it, as the docs say.
    const future = { type: 'RolloutTeleported', schemaVersion: 1, id: 'future/1', rolloutId: 'future', at: Date.now() };
    await platform.events.append(subjects.rolloutEvents('future'), new TextEncoder().encode(JSON.stringify(future)));
    const following = runSubscriber(binary, nats.url);

    const rolloutId = await startRollout(collectorYaml('detailed'));

    const { code, summary, stderr } = await following;
    expect({ code, errors: summary.errors, stderr }).toEqual({ code: 0, errors: [], stderr: '' });
    expect(summary.followed).toBe(rolloutId);
    const followed = summary.rollouts[rolloutId]!;
    expect(followed.terminal).toBe('RolloutCompleted');
    expect(followed.types[0]).toBe('RolloutStarted');
    expect(followed.types).toEqual(expect.arrayContaining(['AgentsEnrolled', 'PhaseStarted', 'AgentsTargeted', 'AgentConfigApplied', 'PhasePassed', 'RolloutCompleted']));
    // What it read is what Roost stored, event for event, up to the terminal one.
    const stored = (await platform.events.read(subjects.rolloutEvents(rolloutId))).map((event) => (JSON.parse(new TextDecoder().decode(event.data)) as { type: string }).type);
    expect(stored.slice(0, followed.events)).toEqual(followed.types);
    expect(summary.skipped).toBe(1);
    expect(summary.validated['rollout']).toBe(followed.events);
    expect(summary.validated['fleet']).toBeGreaterThanOrEqual(4);
    expect(summary.validated['audit']).toBeGreaterThanOrEqual(1);
    expect(Object.keys(summary.ceTypes)).toEqual(expect.arrayContaining(['roost.rollout.RolloutStarted', 'roost.rollout.RolloutCompleted', 'roost.fleet.connected', 'roost.audit.AdminRequestHandled']));
  });

  it('resumes where its durable consumer left off: a second run reads only what came after its last ack', async () => {
    const rolloutId = await startRollout(collectorYaml('normal'));
    const { code, summary } = await runSubscriber(binary, nats.url);
    expect({ code, errors: summary.errors }).toEqual({ code: 0, errors: [] });
    expect(summary.followed).toBe(rolloutId);
    expect(summary.rollouts[rolloutId]?.terminal).toBe('RolloutCompleted');
    // The first rollout's history and the future event were acknowledged by the first run.
    expect(summary.skipped).toBe(0);
    const earlier = Object.entries(summary.rollouts).filter(([id]) => id !== rolloutId);
    for (const [, seen] of earlier) expect(seen.types).not.toContain('RolloutStarted');
  });
});
