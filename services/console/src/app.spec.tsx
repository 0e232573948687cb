/**
 * @jest-environment jsdom
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { ApiError, tokenStore } from './api-client';
import { problemText, TokenForm } from './app';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

describe('the token form', () => {
  it('hands over the token typed, trimmed, and empties the field (the token is kept by the tab, never shown)', () => {
    const tokens: string[] = [];
    render(<TokenForm onToken={(token) => tokens.push(token)} />);
    const field = screen.getByLabelText<HTMLInputElement>('API token');
    expect(field.type).toBe('password');
    expect(field.placeholder).toBe('API token (none on loopback)');
    fireEvent.input(field, { target: { value: ' secret-1 ' } });
    fireEvent.click(screen.getByTestId('token-save'));
    expect(tokens).toEqual(['secret-1']);
    expect(field.value).toBe('');
  });

  it('says a token is kept for this tab once one is stored in session storage', () => {
    tokenStore.set('secret-1');
    render(<TokenForm onToken={() => undefined} />);
    expect(screen.getByLabelText<HTMLInputElement>('API token').placeholder).toBe('token kept for this tab');
    expect(sessionStorage.getItem('roost.token')).toBe('secret-1');
    tokenStore.set('');
    expect(sessionStorage.getItem('roost.token')).toBeNull();
  });
});

describe('problems in words', () => {
  it('says 401 and 403 plainly, and nothing for a read the person walked away from', () => {
    expect(problemText(new ApiError({ status: 401, code: 'auth.missing_token', message: 'no token', details: {} }))).toBe('This Roost needs a token: enter yours in the token field above.');
    expect(problemText(new ApiError({ status: 403, code: 'auth.forbidden', message: 'vera (role viewer) may not rollout.pause', details: {} }))).toBe('Your role may not do this (vera (role viewer) may not rollout.pause).');
    expect(problemText(new DOMException('aborted', 'AbortError'))).toBeNull();
    expect(problemText(null)).toBeNull();
  });
});
