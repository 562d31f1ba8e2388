/**
 * The layout of the package's sign-in pages (`render.layout`): the app's own views/layout.pug, rendered by
 * the app's view engine, around the package's page body (views/package-page.pug). Its <head> carries the
 * package's stylesheet and script as `page.head` gives them, and `page.cspNonce` allows the layout's own
 * inline <style> and <script> under the package's CSP.
 *
 * @param {import('express').Express} app The app whose views and engine render the layout.
 * @returns {import('express-cognito-signin').Layout}
 */
export function createPackageLayout(app) {
  return (page) =>
    new Promise((resolve, reject) => {
      const locals = {
        title: page.title,
        lang: page.locale,
        head: page.head,
        body: page.body,
        cspNonce: page.cspNonce,
        // The header's sign-in link goes to the plain sign-in page here: from the sign-up or password pages,
        // coming back to them after signing in would make no sense.
        cognito: { user: page.user, signOut: page.signOut, signInUrl: '/account/login' },
      };
      app.render('package-page', locals, (err, html) => (err ? reject(err) : resolve(html)));
    });
}
