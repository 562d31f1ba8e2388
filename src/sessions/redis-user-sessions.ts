import type { UserSessionIndex } from './user-sessions';

/** The few commands of the official `redis` client the index uses. */
export interface RedisIndexClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  zRangeByScore(key: string, min: number | string, max: number | string): Promise<string[]>;
  zRem(key: string, member: string): Promise<number>;
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  exists(key: string): Promise<number>;
}

/**
 * Adds a session to the user's sorted set (score = expiry in ms), drops the members that have expired,
 * and lets the whole key expire with its last session. One round trip, atomic, any Redis version.
 */
const ADD_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1
`;

/**
 * The index in Redis, beside connect-redis's sessions: a sorted set per user (`users:<prefix><sub>`)
 * whose key expires with the user's last session, and a short-lived key per ended session
 * (`ended:<prefix><sid>`). Neither name matches the sessions' own `<prefix>*`, so connect-redis's
 * `length`/`all`/`clear` never see them.
 */
export function createRedisUserSessionIndex(client: RedisIndexClient, prefix: string, clock: () => number = Date.now): UserSessionIndex {
  const userKey = (sub: string) => `users:${prefix}${sub}`;
  const endedKey = (sid: string) => `ended:${prefix}${sid}`;
  return {
    async add(sub, sid, expiresAt) {
      await client.eval(ADD_SCRIPT, { keys: [userKey(sub)], arguments: [String(expiresAt), sid, String(clock())] });
    },
    async remove(sub, sid) {
      await client.zRem(userKey(sub), sid);
    },
    async list(sub) {
      return client.zRangeByScore(userKey(sub), `(${clock()}`, '+inf');
    },
    async markEnded(sids, until) {
      const ttl = Math.max(1, until - clock());
      await Promise.all(sids.map((sid) => client.set(endedKey(sid), '1', { expiration: { type: 'PX', value: ttl } })));
    },
    async wasEnded(sid) {
      return (await client.exists(endedKey(sid))) > 0;
    },
  };
}
