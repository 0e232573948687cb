import { RedisSettingError, redisTargetFrom } from './redis-target';

const from = (env: Record<string, string>) => redisTargetFrom((name) => env[name]);

describe('where the views’ Redis is', () => {
  it('is nowhere without REDIS_URL or REDIS_SENTINELS, and one server with REDIS_URL alone', () => {
    expect(from({})).toBeUndefined();
    expect(from({ REDIS_URL: 'redis://r:6379/0' })).toEqual({ url: 'redis://r:6379/0' });
  });

  it('is the primary the Sentinels name, mymaster unless REDIS_SENTINEL_MASTER says otherwise', () => {
    expect(from({ REDIS_SENTINELS: 's1:26379, s2:26380,s3' })).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      sentinelMaster: 'mymaster',
    });
    expect(from({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'roost', REDIS_URL: 'redis://:pw@ignored/2' })).toEqual({
      url: 'redis://:pw@ignored/2',
      sentinels: [{ host: 's1', port: 26379 }],
      sentinelMaster: 'roost',
    });
  });

  it.each([',', 's1:notaport', 's1:70000'])('refuses REDIS_SENTINELS=%s, naming the variable', (text) => {
    expect(() => from({ REDIS_SENTINELS: text })).toThrow(RedisSettingError);
    expect(() => from({ REDIS_SENTINELS: text })).toThrow(/REDIS_SENTINELS \(--redis-sentinels\)/);
  });
});
