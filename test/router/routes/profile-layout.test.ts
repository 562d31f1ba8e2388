import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/app';
import { submit } from '../../helpers/forms';
import { createConfirmedUser } from '../../helpers/users';

type Agent = ReturnType<TestApp['agent']>;

async function signedIn(t: TestApp): Promise<{ agent: Agent; user: { email: string; password: string; sub: string } }> {
  const user = await createConfirmedUser();
  const agent = t.agent();
  await submit(agent, '/login', '/login', { email: user.email, password: user.password });
  return { agent, user };
}

/** The text between `<tag … marker …>` and the matching close of its first occurrence (no nesting of the same tag inside). */
function block(html: string, open: RegExp, close: string): string {
  const start = html.search(open);
  expect(start, `${open} on the page`).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf(close, start));
}

describe('GET /profile (grouped like an account page)', () => {
  let t: TestApp;
  beforeEach(() => {
    t = buildTestApp();
  });

  it('groups personal details, sign-in and security (with where you are signed in) and a danger zone whose delete form is closed', async () => {
    const { agent, user } = await signedIn(t);
    const page = (await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text;
    const headings = [...page.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings.slice(0, 3)).to.deep.equal(['Personal details', 'Sign-in and security', 'Danger zone']);
    expect(page.match(/name="name"/g), 'the display name once, as the field').to.have.length(1);
    const security = block(page, /id="security-title"/, '</section>');
    expect(security).to.contain('href="/profile/sessions"');
    expect(security).to.contain('/password/change');
    expect(security).to.contain('data-field="mfa-status"');
    const danger = block(page, /<details class="disclosure" id="delete"/, '</details>');
    expect(danger).to.match(/^<details class="disclosure" id="delete">/);
    expect(danger).to.contain('action="/profile/delete"');
    const developer = block(page, /<details class="disclosure" data-section="developer"/, '</details>');
    expect(developer).to.contain(`data-field="sub"><code>${user.sub}</code>`);
    expect(developer).to.match(/data-field="token-expires"><time datetime=/);
    expect(page.indexOf('data-field="sub"'), 'the sub only behind the disclosure').to.equal(
      page.indexOf('data-field="sub"', page.indexOf('data-section="developer"')),
    );
  });

  it('opens the delete form again, with the message, when its answer was refused', async () => {
    const { agent } = await signedIn(t);
    const res = await submit(agent, '/profile', '/profile/delete', { confirmEmail: 'someone-else@example.com', currentPassword: 'x' });
    expect(res.status).to.equal(400);
    expect(res.text).to.match(/<details class="disclosure" id="delete" open>/);
  });

  it('says 確認済み / 未確認 for the address in Japanese, and keeps the emulator notes in one place', async () => {
    const { agent } = await signedIn(t);
    const page = (await agent.get('/profile?lang=ja').expect(200)).text;
    expect(page).to.match(/data-field="email-verified">(確認済み|未確認)</);
    expect(page).not.to.match(/data-field="email-verified">(はい|いいえ)</);
    expect(page.match(/data-section="emulator"/g)).to.have.length(1);
  });

  it("lists passkeys under sign-in and security where the pool offers them (the kit's default pool does)", async () => {
    const { agent } = await signedIn(t);
    const security = block((await agent.get('/profile').set('Accept-Language', 'en').expect(200)).text, /id="security-title"/, '</section>');
    expect(security).to.contain('<a href="/profile/passkeys" data-link="passkeys">');
  });
});
