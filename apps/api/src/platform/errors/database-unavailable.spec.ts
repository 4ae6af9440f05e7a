import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';
import { toApiError } from './http-exception.filter';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });

describe('isDatabaseUnavailable / toApiError: the database going away is a 503', () => {
  it('recognises the errors seen while PostgreSQL restarts (chaos test)', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const starting = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    for (const err of [
      refused(),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      shutdown,
      starting,
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new QueryFailedError('SELECT 1', [], shutdown),
      Object.assign(new Error('wrapped'), { cause: refused() }),
    ]) {
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(toApiError(err)).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database is unavailable; try again shortly',
      });
    }
  });

  it('leaves other failures a bare 500 (a wrong password is not an outage)', () => {
    for (const err of [
      Object.assign(new Error('password authentication failed'), { code: '28P01' }),
      new QueryFailedError('SELECT x', [], Object.assign(new Error('syntax error'), { code: '42601' })),
      new Error('x'),
      null,
      'text',
      { code: 42 },
    ]) {
      expect(isDatabaseUnavailable(err)).toBe(false);
      expect(toApiError(err).statusCode).toBe(500);
    }
  });
});
