import { silentLogger } from '@roost/ports';
import { AdminError } from '../errors/admin-error';
import { errorAnswer } from './http-errors';

describe('error answers', () => {
  it('answers a domain refusal with its mapped status and the field it is about', () => {
    expect(errorAnswer(new AdminError('plan.not_ending_at_100', 'the last phase must be 100%', { phase: 2 }), silentLogger)).toEqual({
      status: 400,
      body: { error: { code: 'plan.not_ending_at_100', message: 'the last phase must be 100%', details: { phase: 2, field: 'plan.2' } } },
    });
    expect(errorAnswer(new AdminError('target.no_eligible_agents', 'none eligible', { matched: 3 }), silentLogger).status).toBe(422);
  });

  it('hides the cause of an uncoded failure behind a 500', () => {
    const answer = errorAnswer(new Error('socket hang up at 10.0.0.7'), silentLogger);
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('admin.internal');
    expect(answer.body.error.message).not.toContain('10.0.0.7');
  });
});
