import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

const LAYOUT = fileURLToPath(new URL('../views/layout.ejs', import.meta.url));

/**
 * This app's layout (views/layout.ejs) around a page body: the package's sign-in pages (through
 * `render.layout`) and the app's own pages (through `auth.render`) share it.
 *
 * @param {{ cache: boolean }} options `cache`: compile the layout once (production).
 * @returns {import('express-cognito-signin').Layout}
 */
export function createLayout({ cache }) {
  return (page) =>
    ejs.renderFile(
      LAYOUT,
      { title: page.title, body: page.body, lang: page.locale, script: page.assets.script, user: page.user, signOut: page.signOut },
      { cache },
    );
}
