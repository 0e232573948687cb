/**
 * @jest-environment jsdom
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { agent, groups, HASH_V2 } from '../testing/fixtures';
import { FleetPage } from './fleet-view';

afterEach(cleanup);

const agents = { total: 3, offset: 0, items: [agent('agent-1'), agent('agent-2', { connected: false, healthState: 'unhealthy', currentConfigHash: HASH_V2, transport: 'http' }), agent('agent-3', { currentConfigHash: 'c3'.repeat(32) })] };

describe('the fleet page', () => {
  it("shows each group's counters and the configs it runs by name@version, most agents first", () => {
    render(<FleetPage groups={groups()} agents={agents} query={new URLSearchParams()} onFilter={() => undefined} />);
    const shop = screen.getByTestId('group-shop');
    expect(within(shop).getByTestId('group-agents').textContent).toBe('8 agents');
    expect(shop.textContent).toContain('7 healthy, 1 unhealthy');
    expect(shop.textContent).toContain('shop-edge@1 ×6, shop-edge@2 ×2');
    expect(shop.getAttribute('href')).toBe('#/fleet?group=shop');
    expect(screen.getByTestId('group-(fleet)').getAttribute('href')).toBe('#/fleet');
  });

  it('lists the agents with connection, health, config (or its short hash), transport and gateway', () => {
    render(<FleetPage groups={groups()} agents={agents} query={new URLSearchParams()} onFilter={() => undefined} />);
    const rows = screen.getAllByTestId('agent-row').map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['agent-1 agent-1.example', 'shop', 'connected', 'healthy', 'shop-edge@1', 'websocket', 'gw-1'],
      ['agent-2 agent-2.example', 'shop', 'disconnected', 'unhealthy', 'shop-edge@2', 'http', 'gw-1'],
      ['agent-3 agent-3.example', 'shop', 'connected', 'healthy', 'c3'.repeat(6), 'websocket', 'gw-1'],
    ]);
    expect(screen.getAllByTestId('agent-row')[1]?.querySelector('.pill.bad')?.textContent).toBe('disconnected');
    expect(screen.getByTestId('agent-total').textContent).toBe('3 agents');
  });

  it('shows the filters of the query and submits only those given', () => {
    const submitted: string[] = [];
    render(<FleetPage groups={groups()} agents={agents} query={new URLSearchParams('group=edge&health=unhealthy')} onFilter={(filters) => submitted.push(filters.toString())} />);
    expect(document.querySelector<HTMLSelectElement>('select[name=group]')?.value).toBe('edge');
    fireEvent.input(screen.getByRole('textbox', { name: 'label selector' }), { target: { value: 'cloud.region in (eu-west-1)' } });
    fireEvent.change(document.querySelector('select[name=health]')!, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(submitted).toEqual(['selector=cloud.region+in+%28eu-west-1%29&group=edge']);
  });

  it('says so while reading and when no agent matches', () => {
    const { rerender } = render(<FleetPage groups={null} agents={null} query={new URLSearchParams()} onFilter={() => undefined} />);
    expect(screen.getByTestId('agents').getAttribute('aria-busy')).toBe('true');
    rerender(<FleetPage groups={groups()} agents={{ total: 0, offset: 0, items: [] }} query={new URLSearchParams()} onFilter={() => undefined} />);
    expect(screen.getByTestId('agents').textContent).toBe('No agent matches.');
  });
});
