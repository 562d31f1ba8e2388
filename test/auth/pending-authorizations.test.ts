import { expect } from 'chai';
import { buildTestApp } from '../helpers/app';
import { callbackPath, startHostedUiSignIn, type HostedUiJourney } from '../helpers/hosted-ui';
import { createConfirmedUser } from '../helpers/users';

type Agent = ReturnType<ReturnType<typeof buildTestApp>['agent']>;

const TEN_MINUTES = 10 * 60 * 1000;

/** The callback of one tab's sign-in, as that tab's browser brings it back. */
function finish(agent: Agent, journey: HostedUiJourney) {
  return agent.get(callbackPath(journey.callbackUrl as URL));
}

describe('pending Hosted UI sign-ins: several tabs, each expiring and usable once (against cognito-local)', () => {
  let user: { email: string; password: string };
  before(async () => {
    user = await createConfirmedUser();
  });

  it('lets two tabs that started a sign-in one after the other both finish, each to its own returnTo', async () => {
    const t = buildTestApp();
    const browser = t.agent();
    const first = await startHostedUiSignIn(browser, user, '/login/hosted?returnTo=%2Fcomplete%3Ftab%3D1');
    const second = await startHostedUiSignIn(browser, user, '/login/hosted?returnTo=%2Fcomplete%3Ftab%3D2');
    expect(second.state).to.not.equal(first.state);

    const firstDone = await finish(browser, first);
    expect(firstDone.status, firstDone.text).to.equal(303);
    expect(firstDone.headers.location).to.equal('/complete?tab=1');
    const secondDone = await finish(browser, second);
    expect(secondDone.status, secondDone.text).to.equal(303);
    expect(secondDone.headers.location).to.equal('/complete?tab=2');
    const complete = await browser.get('/complete').expect(200);
    expect(complete.text).to.contain(user.email);
  });

  it('keeps at most 5 per browser: a 6th tab drops the oldest, the others still finish', async () => {
    const t = buildTestApp();
    const browser = t.agent();
    const tabs: HostedUiJourney[] = [];
    for (let i = 0; i < 6; i += 1) tabs.push(await startHostedUiSignIn(browser, user));

    const oldest = await finish(browser, tabs[0] as HostedUiJourney);
    expect(oldest.status).to.equal(403);
    expect(oldest.text).to.contain('Please start the sign-in again');
    await browser.get('/complete').expect(303).expect('Location', '/');
    expect((await finish(browser, tabs[1] as HostedUiJourney)).status).to.equal(303);
    expect((await finish(browser, tabs[5] as HostedUiJourney)).status).to.equal(303);
  });

  it('refuses a sign-in that comes back more than 10 minutes after it started, and still finishes a younger one', async () => {
    let now = Date.now();
    const t = buildTestApp({ clock: () => now });
    const browser = t.agent();
    const old = await startHostedUiSignIn(browser, user);
    now += 9 * 60 * 1000;
    const young = await startHostedUiSignIn(browser, user);
    now += TEN_MINUTES - 9 * 60 * 1000 + 1000;

    const expired = await finish(browser, old);
    expect(expired.status).to.equal(403);
    expect(expired.text).to.contain('Please start the sign-in again');
    await browser.get('/complete').expect(303).expect('Location', '/');
    expect((await finish(browser, young)).status).to.equal(303);
  });

  it('accepts each state once: a replay is refused even while another tab is still pending', async () => {
    const t = buildTestApp();
    const browser = t.agent();
    const first = await startHostedUiSignIn(browser, user);
    const second = await startHostedUiSignIn(browser, user);
    expect((await finish(browser, first)).status).to.equal(303);

    const replay = await finish(browser, first);
    expect(replay.status).to.equal(403);
    expect(replay.text).to.contain('Please start the sign-in again');
    expect((await finish(browser, second)).status).to.equal(303);
  });

  it('accepts each state once even when its first use failed (the code was refused)', async () => {
    const t = buildTestApp();
    const browser = t.agent();
    const first = await startHostedUiSignIn(browser, user);
    const other = await startHostedUiSignIn(browser, user);
    const forged = new URL(first.callbackUrl as URL);
    forged.searchParams.set('code', 'not-a-code-cognito-issued');
    expect((await browser.get(callbackPath(forged))).status).to.equal(400);

    expect((await finish(browser, first)).status, 'the state was used up by the failed attempt').to.equal(403);
    await browser.get('/complete').expect(303).expect('Location', '/');
    expect((await finish(browser, other)).status).to.equal(303);
  });
});
