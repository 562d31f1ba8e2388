/** The languages the emulator's sign-in pages speak; `lang` on the authorize request picks one. */
export type PageLanguage = 'en' | 'ja';

const TEXT = {
  en: {
    title: 'Sign in',
    username: 'Username',
    password: 'Password',
    signIn: 'Sign in',
    totpTitle: 'Two-step sign-in',
    totpHint: 'Enter the 6-digit code from your authenticator app.',
    code: 'Code',
    verify: 'Sign in',
    newPasswordTitle: 'Choose a new password',
    newPasswordHint: 'Your temporary password must be replaced before you sign in.',
    newPassword: 'New password',
    save: 'Save and sign in',
    badCredentials: 'Incorrect username or password.',
    disabled: 'User is disabled.',
    notConfirmed: 'User is not confirmed.',
    badCode: 'Invalid code received for user',
    expired: 'Your sign-in took too long. Start again.',
    emulator: 'Emulator (cognito-local with the test kit’s fidelity layer): not Amazon Cognito.',
  },
  ja: {
    title: 'サインイン',
    username: 'ユーザー名',
    password: 'パスワード',
    signIn: 'サインイン',
    totpTitle: '2段階認証',
    totpHint: '認証アプリに表示される6桁のコードを入力してください。',
    code: 'コード',
    verify: 'サインイン',
    newPasswordTitle: '新しいパスワードを設定',
    newPasswordHint: 'サインインする前に、仮パスワードを変更してください。',
    newPassword: '新しいパスワード',
    save: '保存してサインイン',
    badCredentials: 'ユーザー名またはパスワードが正しくありません。',
    disabled: 'このユーザーは無効になっています。',
    notConfirmed: 'このユーザーは確認されていません。',
    badCode: 'コードが正しくありません。',
    expired: 'サインインに時間がかかりすぎました。最初からやり直してください。',
    emulator: 'エミュレーター（cognito-local とテストキットの忠実化レイヤー）です。Amazon Cognito ではありません。',
  },
} as const;

/** A message the pages can show beside the form. */
export type PageMessage = 'badCredentials' | 'disabled' | 'notConfirmed' | 'badCode' | 'expired';

/** `ja` for any Japanese tag (`ja`, `ja-JP`), else English, as Managed Login falls back. */
export function pageLanguage(lang: unknown): PageLanguage {
  return typeof lang === 'string' && /^ja(?:-|$)/i.test(lang) ? 'ja' : 'en';
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `  <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}" />`)
    .join('\n');
}

function page(lang: PageLanguage, heading: string, body: string, error: PageMessage | undefined): string {
  const t = TEXT[lang];
  const alert = error ? `<p role="alert" style="color:#b00020">${escapeHtml(t[error])}</p>\n` : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head>
<body>
<main>
<h1>${escapeHtml(heading)}</h1>
<p><small>${escapeHtml(t.emulator)}</small></p>
${alert}${body}
</main>
</body>
</html>`;
}

/** The first step: username and password. `fields` are the authorize request's parameters, carried along. */
export function passwordPage(lang: PageLanguage, fields: Record<string, string>, error?: PageMessage): string {
  const t = TEXT[lang];
  return page(
    lang,
    t.title,
    `<form method="POST" action="/oauth2/authorize">
${hidden(fields)}
  <label for="username">${escapeHtml(t.username)}</label> <input type="text" id="username" name="username" autocomplete="username" /><br />
  <label for="password">${escapeHtml(t.password)}</label> <input type="password" id="password" name="password" autocomplete="current-password" /><br />
  <button type="submit">${escapeHtml(t.signIn)}</button>
</form>`,
    error,
  );
}

/** The second step of an account with two-step sign-in: the authenticator app's code. */
export function totpPage(lang: PageLanguage, session: string, error?: PageMessage): string {
  const t = TEXT[lang];
  return page(
    lang,
    t.totpTitle,
    `<form method="POST" action="/oauth2/authorize">
${hidden({ session, lang })}
  <p>${escapeHtml(t.totpHint)}</p>
  <label for="code">${escapeHtml(t.code)}</label> <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" /><br />
  <button type="submit">${escapeHtml(t.verify)}</button>
</form>`,
    error,
  );
}

/** The step of an account with a temporary password: a new one. */
export function newPasswordPage(lang: PageLanguage, session: string, error?: string): string {
  const t = TEXT[lang];
  const alert = error ? `<p role="alert" style="color:#b00020">${escapeHtml(error)}</p>\n` : '';
  return page(
    lang,
    t.newPasswordTitle,
    `${alert}<form method="POST" action="/oauth2/authorize">
${hidden({ session, lang })}
  <p>${escapeHtml(t.newPasswordHint)}</p>
  <label for="new_password">${escapeHtml(t.newPassword)}</label> <input type="password" id="new_password" name="new_password" autocomplete="new-password" /><br />
  <button type="submit">${escapeHtml(t.save)}</button>
</form>`,
    undefined,
  );
}
