import { api, ApiError } from '../api-client';
import type { Agent, AgentEventLog, AgentRolloutPage, EffectiveConfig, GroupList } from '../api-types';
import { h, replace, shortHash, time } from '../dom';
import type { Page } from '../page';
import { agentRollouts, recentEvents } from './agent-history-view';
import { diffBlock, yamlBlock } from './yaml-view';

/** One agent: description, capabilities, health, what it was sent and what it runs, its recent events and its rollouts. */
export async function agentView(page: Page, agentId: string): Promise<void> {
  replace(page.main, h('h1', {}, 'Agent ', h('code', {}, agentId)), h('p', { className: 'muted' }, 'Loading…'));
  const path = `/agents/${encodeURIComponent(agentId)}`;
  const [agent, groups, effective, events, rollouts] = await Promise.all([
    api.get<Agent>(path),
    api.get<GroupList>('/groups'),
    api.get<EffectiveConfig>(`${path}/effective-config`).catch((error: unknown) => {
      if (error instanceof ApiError && error.problem.code === 'agent.no_effective_config') return null;
      throw error;
    }),
    api.get<AgentEventLog>(`${path}/events`),
    api.get<AgentRolloutPage>(`${path}/rollouts?limit=20`),
  ]);
  const configName = (hash: string | null | undefined): string => (hash === null || hash === undefined ? '—' : (groups.refs[hash] ?? shortHash(hash)));
  const status = agent.remoteConfigStatus;
  replace(
    page.main,
    h('h1', {}, 'Agent ', h('code', {}, agent.agentId)),
    h(
      'section',
      { className: 'facts', 'data-testid': 'agent-facts' },
      fact('group', agent.group),
      fact('connection', agent.connected ? `connected since ${time(agent.connectedAt)}` : `disconnected at ${time(agent.disconnectedAt)}`),
      fact('transport', agent.transport),
      fact('gateway', agent.gatewayId),
      agent.clientCertificate === null ? null : fact('client certificate', certificateText(agent.clientCertificate)),
      fact('health', `${agent.healthState}${agent.health !== null && agent.health.lastError !== '' ? ` — ${agent.health.lastError}` : ''}`),
      agent.health?.componentErrors === undefined || agent.health.componentErrors.length === 0 ? null : fact('failing components', agent.health.componentErrors.join('; ')),
      fact('runs', configName(agent.currentConfigHash)),
      fact('remote config', status === null ? 'never reported' : `${status.status} ${configName(status.hash)}${status.errorMessage === '' ? '' : ` — ${status.errorMessage}`}`),
      fact('desired', agent.desired === null ? 'none set' : `${configName(agent.desired.configHash)} (${agent.desired.setBy} by ${agent.desired.rolloutId})`),
    ),
    h('h2', {}, 'Description'),
    attributes('identifying', agent.identifying),
    attributes('non-identifying', agent.nonIdentifying),
    h('h2', {}, 'Capabilities'),
    h('p', { 'data-testid': 'capabilities' }, agent.capabilityNames.join(', ') || 'none reported'),
    h('h2', {}, 'Effective config'),
    effectiveSection(effective),
    h('h2', {}, 'Recent events'),
    recentEvents(events, configName),
    h('h2', {}, 'Rollouts'),
    agentRollouts(rollouts, configName),
  );
}

function certificateText(certificate: NonNullable<Agent['clientCertificate']>): string {
  const names = certificate.subjectAltNames.length === 0 ? '' : ` (${certificate.subjectAltNames.join(', ')})`;
  return `CN=${certificate.subject}${names}, issued by ${certificate.issuer}, SHA-256 ${certificate.fingerprintSha256}, expires ${time(certificate.notAfter)}`;
}

function fact(label: string, value: string): HTMLElement {
  return h('div', {}, h('span', { className: 'label' }, label), h('span', {}, value));
}

function attributes(title: string, values: Readonly<Record<string, string>>): HTMLElement {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  return h('table', { className: 'attributes' }, h('caption', {}, title), entries.map(([key, value]) => h('tr', {}, h('th', {}, key), h('td', {}, value))));
}

function effectiveSection(effective: EffectiveConfig | null): HTMLElement {
  if (effective === null) return h('p', { className: 'muted', 'data-testid': 'effective-config' }, 'This agent has reported no effective config.');
  const against = effective.against;
  return h(
    'div',
    {},
    h('p', { className: 'muted' }, `${shortHash(effective.hash)}, reported at ${time(effective.reportedAt)} to ${effective.gatewayId}`),
    effective.yaml === null ? h('p', { className: 'muted' }, effective.omitted ?? 'No collector config file.') : yamlBlock(effective.yaml, 'effective-config'),
    h('h3', {}, against === null ? 'No remote config to compare with' : `Difference from ${against.ref ?? shortHash(against.hash)} (${against.source})`),
    effective.diff === null ? null : h('p', { className: 'muted' }, componentSummary(effective.diff.components)),
    effective.diff === null ? null : diffBlock(effective.diff.unified, 'effective-diff'),
  );
}

function componentSummary(components: { added: string[]; removed: string[]; changed: string[] }): string {
  const part = (label: string, names: string[]) => (names.length === 0 ? null : `${label}: ${names.join(', ')}`);
  return [part('added', components.added), part('removed', components.removed), part('changed', components.changed)].filter((p) => p !== null).join('; ') || 'no component differs';
}
