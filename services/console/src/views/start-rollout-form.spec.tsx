/**
 * @jest-environment jsdom
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import type { RolloutForecast } from '../api-types';
import { DEFAULT_PLAN_TEXT } from '../plan-text';
import { configs, forecast, groups } from '../testing/fixtures';
import { StartRolloutForm, type StartRequest } from './start-rollout-form';

afterEach(cleanup);

function setUp(answer: () => Promise<RolloutForecast> = async () => forecast()) {
  const asked: StartRequest[] = [];
  const started: StartRequest[] = [];
  const failures: unknown[] = [];
  render(
    <StartRolloutForm
      groups={groups()}
      configs={configs()}
      forecast={(request) => {
        asked.push(request);
        return answer();
      }}
      start={async (request) => {
        started.push(request);
      }}
      onForecastFailed={(error) => failures.push(error)}
    />,
  );
  const field = (name: string) => document.querySelector<HTMLInputElement>(`[name=${name}]`)!;
  const type = (name: string, value: string) => fireEvent.input(field(name), { target: { value } });
  const click = (testId: string) => act(async () => void fireEvent.click(screen.getByTestId(testId)));
  return { asked, started, failures, field, type, click };
}

describe('the start form', () => {
  it('offers the groups with their sizes, the config versions, and the default plan', () => {
    const { field } = setUp();
    expect([...field('group').querySelectorAll('option')].map((option) => option.textContent)).toEqual(['— or a selector —', 'shop (8)', 'edge (2)']);
    expect([...document.querySelectorAll('#config-versions option')].map((option) => option.getAttribute('value'))).toEqual(['shop-edge@2']);
    expect(field('plan').value).toBe(DEFAULT_PLAN_TEXT);
  });

  it('forecasts first, then starts the same request under the forecast id, so exactly the forecast canaries', async () => {
    const { asked, started, type, click } = setUp();
    type('group', 'shop');
    type('configVersion', 'shop-edge@2');
    type('plan', '2 30s, 100%');
    await click('forecast-button');
    expect(asked).toEqual([{ target: { group: 'shop' }, configVersion: 'shop-edge@2', plan: [{ count: 2, windowMs: 30_000 }, { percent: 100 }], policy: 'rollback' }]);
    expect(screen.getByTestId('forecast').dataset['rolloutId']).toBe('r-forecast');
    expect(screen.getAllByTestId('forecast-phase').map((row) => [...row.querySelectorAll('td')].slice(0, 4).map((cell) => cell.textContent))).toEqual([
      ['phase-1', '2', '2', '2'],
      ['phase-2', '100%', '5', '7'],
    ]);
    expect(screen.getByTestId('forecast-skipped').textContent).toBe('Skipped: 1 × already on config');
    await click('start-button');
    expect(started).toEqual([{ ...asked[0], rolloutId: 'r-forecast' }]);
  });

  it('starts a request changed since its forecast under a new id', async () => {
    const { started, type, click } = setUp();
    type('group', 'shop');
    type('configVersion', 'shop-edge@2');
    await click('forecast-button');
    type('plan', '1, 100%');
    await click('start-button');
    expect(started).toHaveLength(1);
    expect(started[0]).not.toHaveProperty('rolloutId');
    expect(started[0]?.plan).toEqual([{ count: 1 }, { percent: 100 }]);
  });

  it('says what is wrong instead of sending: no target, or a plan it cannot read', async () => {
    const { started, asked, type, click } = setUp();
    type('configVersion', 'shop-edge@2');
    await click('start-button');
    expect(screen.getByTestId('start-error').textContent).toBe('Choose a group or type a selector (one of them).');
    type('selector', 'cloud.region=eu');
    type('plan', '2% soon');
    await click('forecast-button');
    expect(screen.getByTestId('start-error').textContent).toBe('phase 1 ("2% soon"): "soon" is neither a window (30s, 5m) nor "approve"');
    expect([started, asked]).toEqual([[], []]);
  });

  it('hands a refused forecast to the page and shows none', async () => {
    const { failures, type, click } = setUp(async () => {
      throw new Error('refused');
    });
    type('group', 'shop');
    await click('forecast-button');
    expect(failures).toEqual([new Error('refused')]);
    expect(screen.getByTestId('forecast').textContent).toBe('');
  });
});
