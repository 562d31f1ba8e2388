import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../src/app/logger';
import { buildTestApp } from '../helpers/app';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger redaction', () => {
  it('censors passwords, codes, tokens, secrets, cookies and Authorization wherever they are passed', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'p-top',
        code: '123456',
        body: { password: 'p-nested', newPassword: 'n', code: '654321', _csrf: 'csrf-value' },
        tokens: { idToken: 'id-tok', accessToken: 'acc-tok', refreshToken: 'ref-tok' },
        settings: { clientSecret: 'client-secret-value', SECRET_HASH: 'hash-value' },
        headers: { cookie: 'sid=abc', authorization: 'Basic xyz' },
      },
      'something happened',
    );
    const text = lines.join('');
    for (const secret of [
      'p-top',
      '123456',
      'p-nested',
      '654321',
      'csrf-value',
      'id-tok',
      'acc-tok',
      'ref-tok',
      'client-secret-value',
      'hash-value',
      'sid=abc',
      'Basic xyz',
    ]) {
      expect(text).to.not.contain(secret);
    }
    expect(text).to.contain('[redacted]');
    expect(text).to.contain('something happened');
  });

  it('logs a request as method, path and status with a request id, never its query, cookies or headers', async () => {
    const t = buildTestApp();
    const res = await t
      .agent()
      .get('/no/such/page?code=query-code&state=query-state')
      .set('Cookie', 'sid=s%3Acookie-value.sig')
      .set('Authorization', 'Bearer header-token');
    const id = res.headers['x-request-id'] as string;
    const lines = t.logs
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { req?: { id: string; path: string } });
    expect(lines.length).to.be.at.least(2);
    for (const line of lines) expect(line.req?.id, 'request id on every line').to.equal(id);
    expect(lines.some((l) => l.req?.path === '/no/such/page')).to.equal(true);
    const text = t.logs.join('');
    for (const secret of ['query-code', 'query-state', 'cookie-value', 'header-token']) expect(text).to.not.contain(secret);
  });
});

describe('logger redaction (bindings and callers’ objects)', () => {
  it('censors secrets in a child logger’s bindings too', () => {
    const { lines, logger } = capture();
    logger.child({ tokens: { accessToken: 'bound-acc' }, body: { password: 'bound-pw' } }).info('bound line');
    const text = lines.join('');
    expect(text).to.not.contain('bound-acc');
    expect(text).to.not.contain('bound-pw');
    expect(text).to.contain('bound line');
  });

  it('leaves the object it was given as it was (censors a copy)', () => {
    const { logger } = capture();
    const body = { password: 'kept-by-caller', name: 'Ann' };
    const passed = { body, code: '123456' };
    logger.info(passed, 'line');
    expect(passed).to.deep.equal({ body: { password: 'kept-by-caller', name: 'Ann' }, code: '123456' });
    expect(passed.body).to.equal(body);
  });
});
