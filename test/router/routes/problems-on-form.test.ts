import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { CognitoAuthError } from '../../../src/errors';
import { problemsOnForm } from '../../../src/router/routes/forms';

/** A form route that fails with `err`, and the handler that shows it on the form (as JSON, for the test). */
function appFailingWith(err: unknown) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const router = express.Router();
  router.post('/form', (_req, _res, next) => next(err));
  router.use(
    problemsOnForm(['email'], {
      '/form': (_req, res, status, form) =>
        void res.status(status).json({ form, wait: (res.locals as { waitMinutes?: number }).waitMinutes ?? null }),
    }),
  );
  app.use(router);
  app.use(
    (e: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
      void res.status(599).json({ code: (e as { code?: string }).code }),
  );
  return app;
}

describe('problemsOnForm() (a form’s own problems on the form)', () => {
  it('shows an expired form token on the form (403), with what was typed but never the password', async () => {
    const res = await supertest(appFailingWith(new CognitoAuthError('csrf_invalid')))
      .post('/form')
      .type('form')
      .send({ email: 'a@example.com', password: 'secret' });
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.equal({ form: { values: { email: 'a@example.com' }, fieldErrors: {}, error: 'csrf_invalid' }, wait: null });
  });

  it('shows a limit with the wait in whole minutes (429)', async () => {
    const res = await supertest(appFailingWith(new CognitoAuthError('rate_limited', 'x', { retryAfterSeconds: 61 })))
      .post('/form')
      .type('form')
      .send({ email: 'a@example.com' });
    expect(res.status).to.equal(429);
    expect((res.body as { wait: number | null }).wait).to.equal(2);
  });

  it('passes any other error on to the error page', async () => {
    const res = await supertest(appFailingWith(new CognitoAuthError('upstream_unavailable')))
      .post('/form')
      .type('form')
      .send({});
    expect(res.status).to.equal(599);
    expect((res.body as { code?: string }).code).to.equal('upstream_unavailable');
  });
});
