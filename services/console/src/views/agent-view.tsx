import { api, ApiError } from '../api-client';
import type { Agent, AgentEventLog, AgentRolloutPage, EffectiveConfig, GroupList } from '../api-types';
import { shortHash, time } from '../format';
import { useLoad } from '../session';
import { AgentEvents, AgentRollouts } from './agent-history';
import { DiffBlock, YamlBlock } from './code-blocks';

export interface AgentData {
  readonly agent: Agent;
  readonly groups: GroupList;
  /** Null when the agent has reported none. */
  readonly effective: EffectiveConfig | null;
  readonly events: AgentEventLog;
  readonly rollouts: AgentRolloutPage;
}

/** An agent's page with what it reads: the agent, its effective config, its events and its rollouts. */
export function AgentView({ agentId }: { agentId: string }) {
  const data = useLoad(async (signal): Promise<AgentData> => {
    const path = `/agents/${encodeURIComponent(agentId)}`;
    const [agent, groups, effective, events, rollouts] = await Promise.all([
      api.get<Agent>(path, signal),
      api.get<GroupList>('/groups', signal),
      api.get<EffectiveConfig>(`${path}/effective-config`, signal).catch((error: unknown) => {
        if (error instanceof ApiError && error.problem.code === 'agent.no_effective_config') return null;
        throw error;
      }),
      api.get<AgentEventLog>(`${path}/events`, signal),
      api.get<AgentRolloutPage>(`${path}/rollouts?limit=20`, signal),
    ]);
    return { agent, groups, effective, events, rollouts };
  });
  if (data === null) {
    return (
      <>
        <h1>
          Agent <code>{agentId}</code>
        </h1>
        <p class="muted" aria-busy="true">
          Loading…
        </p>
      </>
    );
  }
  return <AgentPage {...data} />;
}

/** One agent: description, capabilities, health, what it was sent and what it runs, its recent events and its rollouts. */
export function AgentPage({ agent, groups, effective, events, rollouts }: AgentData) {
  const configName = (hash: string | null | undefined): string => (hash === null || hash === undefined ? '—' : (groups.refs[hash] ?? shortHash(hash)));
  const status = agent.remoteConfigStatus;
  const componentErrors = agent.health?.componentErrors ?? [];
  return (
    <>
      <h1>
        Agent <code>{agent.agentId}</code>
      </h1>
      <section class="facts" data-testid="agent-facts">
        <Fact label="group" value={agent.group} />
        <Fact label="connection" value={agent.connected ? `connected since ${time(agent.connectedAt)}` : `disconnected at ${time(agent.disconnectedAt)}`} />
        <Fact label="transport" value={agent.transport} />
        <Fact label="gateway" value={agent.gatewayId} />
        {agent.clientCertificate === null ? null : <Fact label="client certificate" value={certificateText(agent.clientCertificate)} />}
        <Fact label="health" value={`${agent.healthState}${agent.health !== null && agent.health.lastError !== '' ? ` — ${agent.health.lastError}` : ''}`} />
        {componentErrors.length === 0 ? null : <Fact label="failing components" value={componentErrors.join('; ')} />}
        <Fact label="runs" value={configName(agent.currentConfigHash)} />
        <Fact label="remote config" value={status === null ? 'never reported' : `${status.status} ${configName(status.hash)}${status.errorMessage === '' ? '' : ` — ${status.errorMessage}`}`} />
        <Fact label="desired" value={agent.desired === null ? 'none set' : `${configName(agent.desired.configHash)} (${agent.desired.setBy} by ${agent.desired.rolloutId})`} />
      </section>
      <h2>Description</h2>
      <Attributes title="identifying" values={agent.identifying} />
      <Attributes title="non-identifying" values={agent.nonIdentifying} />
      <h2>Capabilities</h2>
      <p data-testid="capabilities">{agent.capabilityNames.join(', ') || 'none reported'}</p>
      <h2>Effective config</h2>
      <EffectiveSection effective={effective} />
      <h2>Recent events</h2>
      <AgentEvents log={events} configName={configName} />
      <h2>Rollouts</h2>
      <AgentRollouts page={rollouts} configName={configName} />
    </>
  );
}

function certificateText(certificate: NonNullable<Agent['clientCertificate']>): string {
  const names = certificate.subjectAltNames.length === 0 ? '' : ` (${certificate.subjectAltNames.join(', ')})`;
  return `CN=${certificate.subject}${names}, issued by ${certificate.issuer}, SHA-256 ${certificate.fingerprintSha256}, expires ${time(certificate.notAfter)}`;
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <span class="label">{label}</span>
      <span>{value}</span>
    </div>
  );
}

function Attributes({ title, values }: { title: string; values: Readonly<Record<string, string>> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  return (
    <table class="attributes">
      <caption>{title}</caption>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EffectiveSection({ effective }: { effective: EffectiveConfig | null }) {
  if (effective === null) {
    return (
      <p class="muted" data-testid="effective-config">
        This agent has reported no effective config.
      </p>
    );
  }
  const against = effective.against;
  return (
    <div>
      <p class="muted">
        {shortHash(effective.hash)}, reported at {time(effective.reportedAt)} to {effective.gatewayId}
      </p>
      {effective.yaml === null ? <p class="muted">{effective.omitted ?? 'No collector config file.'}</p> : <YamlBlock yaml={effective.yaml} testId="effective-config" />}
      <h3>{against === null ? 'No remote config to compare with' : `Difference from ${against.ref ?? shortHash(against.hash)} (${against.source})`}</h3>
      {effective.diff === null ? null : (
        <>
          <p class="muted">{componentSummary(effective.diff.components)}</p>
          <DiffBlock unified={effective.diff.unified} testId="effective-diff" />
        </>
      )}
    </div>
  );
}

function componentSummary(components: { added: string[]; removed: string[]; changed: string[] }): string {
  const part = (label: string, names: string[]) => (names.length === 0 ? null : `${label}: ${names.join(', ')}`);
  return [part('added', components.added), part('removed', components.removed), part('changed', components.changed)].filter((p) => p !== null).join('; ') || 'no component differs';
}
