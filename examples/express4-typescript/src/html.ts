import type { Response } from 'express';
import type { CognitoLocals } from 'express-cognito-signin';

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The header of every page: who is signed in and a sign-out button, or a sign-in link, from
 * `res.locals.cognito` (the package puts it on every request; @types/express types res.locals as `any`).
 */
function header(res: Response): string {
  const cognito = res.locals.cognito as CognitoLocals | undefined;
  const signOut = cognito?.signOut;
  const account = signOut
    ? `<span class="who">${escapeHtml(cognito?.user?.email ?? '')}</span>` +
      `<form method="post" action="${escapeHtml(signOut.action)}" class="sign-out">` +
      `<input type="hidden" name="_csrf" value="${escapeHtml(signOut.csrfToken)}"><button>Sign out</button></form>`
    : `<a class="sign-in" href="${escapeHtml(cognito?.signInUrl ?? '/account/login')}">Sign in</a>`;
  return `<header><a href="/">Parts Depot</a> <a href="/orders">Orders</a> ${account}</header>`;
}

/** A whole page of this app: no template engine, each value escaped where it is inserted. */
export function page(res: Response, title: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Parts Depot</title></head>
<body>
${header(res)}
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>
</body>
</html>
`;
}
