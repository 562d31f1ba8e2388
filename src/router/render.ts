import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import type { Locale } from '../i18n';
import type { CognitoUser } from '../auth/types';
import { settle } from '../settle';

/** The package's templates (and the reference app's, under `app/`). */
export const VIEWS_DIR = path.resolve(__dirname, '..', '..', 'views');

/** The package's pages, by template name: what `render.views` can replace one by one. */
export type ViewName =
  | 'login'
  | 'login-mfa'
  | 'login-new-password'
  | 'login-choose'
  | 'login-code'
  | 'login-passkey'
  | 'signup'
  | 'signup-confirm'
  | 'password-forgot'
  | 'password-reset'
  | 'password-change'
  | 'profile'
  | 'profile-sessions'
  | 'profile-passkeys'
  | 'email-verify'
  | 'email-change'
  | 'mfa-setup'
  | 'mfa-disable'
  | 'dev-mailbox'
  | 'error';

/** The package's partials, which `render.views` can replace too (`'partials/header'`, …). */
export type PartialName =
  | 'partials/head'
  | 'partials/header'
  | 'partials/foot'
  | 'partials/field'
  | 'partials/csrf'
  | 'partials/form-errors'
  | 'partials/password-policy'
  | 'partials/step-up'
  | 'partials/time'
  | 'partials/passkey-options'
  | 'partials/passkey-scripts';

/** What a host layout gets for one page. */
export interface LayoutPage {
  /** The page title, in the page's language (without the site name). */
  title: string;
  /** The page's own HTML: headings, notices, forms. Insert it as is (it is escaped where needed). */
  body: string;
  locale: Locale;
  /** The package's stylesheet and progressive-enhancement script, mount-relative. */
  assets: { stylesheet: string; script: string };
  /**
   * The package's stylesheet and script as ready-made tags for the layout's `<head>` (attributes escaped,
   * this response's nonce on both, the script's button labels in the page's language). Insert it as is:
   * without it (or `assets`) the pages' forms are unstyled.
   */
  head: string;
  /**
   * This response's CSP nonce (undefined when the package sends no security headers): put it on the
   * layout's own inline `<script nonce="…">` and `<style nonce="…">`, which the package's CSP then allows.
   * Escape it like any attribute value.
   */
  cspNonce: string | undefined;
  /** Who is signed in, if anyone: for the layout's own header. */
  user: CognitoUser | undefined;
  /**
   * What a sign-out form in the layout posts, when someone is signed in: `<form method="post"
   * action="{action}"><input type="hidden" name="_csrf" value="{csrfToken}">…</form>` (escape both).
   */
  signOut: { action: string; csrfToken: string } | undefined;
  req: Request;
  res: Response;
}

/** A host's own layout: wraps every package page's body. */
export type Layout = (page: LayoutPage) => string | Promise<string>;

/** How the package's pages are rendered (with its own copy of ejs: never the host's view engine). */
export interface RenderOptions {
  /** Wraps each page's body in the host's layout instead of the package's head, header and foot. */
  layout?: Layout | undefined;
  /** Replaces single templates: an absolute path per page or partial name. Includes fall back to the package's. */
  views?: Partial<Record<ViewName | PartialName, string>> | undefined;
}

/** The page-body head used under a host layout: the one-shot notice, and the page title passed up. */
const BODY_HEAD = path.join(VIEWS_DIR, 'partials', 'body-head.ejs');
const BODY_FOOT = path.join(VIEWS_DIR, 'partials', 'body-foot.ejs');

/** Renders templates with the package's helpers (`res.locals`), overrides and layout, and sends them. */
export interface Renderer {
  /** One of the package's pages. */
  page(req: Request, res: Response, view: ViewName, status: number, locals?: Record<string, unknown>): Promise<void>;
  /** A template file of the host's own, with the same helpers, partials and layout. */
  file(req: Request, res: Response, file: string, status: number, locals?: Record<string, unknown>): Promise<void>;
}

/**
 * Creates a renderer. Templates are compiled once and cached when `cache` is on (production); the
 * assets are served by the router under `<mount>/public`.
 */
export function createRenderer(options: RenderOptions & { cache: boolean; assets: LayoutPage['assets'] }): Renderer {
  const overrides = new Map(Object.entries(options.views ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const layout = options.layout;

  const includer = (original: string, parsed: string | undefined): string | undefined => {
    const name = path.relative(VIEWS_DIR, parsed ?? path.resolve(VIEWS_DIR, original)).replace(/\.ejs$/, '');
    if (layout && name === 'partials/head') return BODY_HEAD;
    if (layout && name === 'partials/foot') return BODY_FOOT;
    return overrides.get(name) ?? parsed;
  };
  const templates = createTemplates(includer, options.cache);

  async function renderFile(req: Request, res: Response, file: string, status: number, locals: Record<string, unknown>): Promise<void> {
    const page = { title: '' };
    const data = { ...res.locals, ...locals, __page: page };
    const body = templates.render(file, data);
    const html = layout
      ? await layout({
          title: page.title,
          body,
          locale: res.locals.locale as Locale,
          ...headParts(res, options.assets),
          ...signedInParts(res),
          req,
          res,
        })
      : body;
    res.status(status).type('html').send(html);
  }

  return {
    page: (req, res, view, status, locals = {}) => renderFile(req, res, overrides.get(view) ?? path.join(VIEWS_DIR, `${view}.ejs`), status, locals),
    file: (req, res, file, status, locals = {}) => renderFile(req, res, file, status, locals),
  };
}

/** An ejs template compiled in client mode: the caller brings `include`. */
type CompiledTemplate = (
  data: Record<string, unknown>,
  escapeFn: undefined,
  include: (name: string, extra?: Record<string, unknown>) => string,
) => string;

/**
 * Each file's last compiled source, for every renderer in the process: without `cache` a render still reads
 * the file, so an edit shows at once, but compiles it again only when its text changed (an app per test,
 * or a router per mount, would otherwise compile every template anew).
 */
const compiledSources = new Map<string, { source: string; fn: CompiledTemplate }>();

function compileSource(filename: string, source: string): CompiledTemplate {
  const known = compiledSources.get(filename);
  if (known?.source === source) return known.fn;
  const fn: CompiledTemplate = ejs.compile(source, { client: true, filename });
  compiledSources.set(filename, { source, fn });
  return fn;
}

/**
 * The package's ejs templates, compiled once each and with their includes resolved once each when `cache`
 * is on (production): ejs's own `include` looks for the file with `fs.existsSync` on every include of every
 * render (relative to the including file, then in the views), a synchronous file-system call per partial
 * per request. Here ejs compiles in client mode, where the caller passes `include`, and the resolution
 * (the same rule as ejs's, then the overrides and the layout's replacements through `resolve`) is kept.
 * Without `cache` (development) every render reads and resolves again, so edits show at once
 * ({@link compileSource} compiles a file again only when its text changed).
 */
function createTemplates(resolve: (name: string, found: string | undefined) => string | undefined, cache: boolean) {
  const compiled = new Map<string, CompiledTemplate>();
  const resolved = new Map<string, string>();

  const load = (filename: string): CompiledTemplate => {
    let fn = compiled.get(filename);
    if (!fn) {
      fn = compileSource(filename, fs.readFileSync(filename, 'utf8'));
      if (cache) compiled.set(filename, fn);
    }
    return fn;
  };

  const includePath = (name: string, parent: string): string => {
    const key = `${parent}\0${name}`;
    let file = resolved.get(key);
    if (file === undefined) {
      // As ejs resolves it: next to the including file, else in the package's views.
      const found = [ejs.resolveInclude(name, parent, false), ejs.resolveInclude(name, VIEWS_DIR, true)].find((candidate) =>
        fs.existsSync(candidate),
      );
      file = resolve(name, found);
      if (file === undefined) throw new Error(`Could not find the include file "${name}" (included from ${parent})`);
      if (cache) resolved.set(key, file);
    }
    return file;
  };

  const render = (filename: string, data: Record<string, unknown>): string =>
    load(filename)(data, undefined, (name, extra) => render(includePath(name, filename), { ...data, ...extra }));

  return { render };
}

const RENDERER = Symbol('express-cognito-signin.renderer');

/** Makes `renderer` the one {@link sendView} uses for this response (the router's own). */
export function attachRenderer(res: Response, renderer: Renderer): void {
  (res.locals as Record<symbol, Renderer>)[RENDERER] = renderer;
}

/**
 * Renders one of the package's pages for this response and sends it; a failure goes to the router's
 * error handler, as `res.render` would pass it on.
 */
export function sendView(res: Response, view: ViewName, status: number, locals: Record<string, unknown> = {}): void {
  const renderer = (res.locals as Record<symbol, Renderer | undefined>)[RENDERER];
  const req = res.req as Request;
  if (!renderer) {
    req.next?.(new Error('no renderer on this response: the router did not prepare it'));
    return;
  }
  settle(
    renderer.page(req, res, view, status, locals),
    () => undefined,
    (err) => req.next?.(err),
  );
}

/** The assets as they are, as tags for the layout's head, and the nonce that allows the layout's own inline code. */
function headParts(res: Response, assets: LayoutPage['assets']): Pick<LayoutPage, 'assets' | 'head' | 'cspNonce'> {
  const locals = res.locals as { cspNonce?: unknown; t?: (key: 'form.showPassword' | 'form.hidePassword') => string };
  const cspNonce = typeof locals.cspNonce === 'string' ? locals.cspNonce : undefined;
  const nonce = cspNonce === undefined ? '' : ` nonce="${ejs.escapeXML(cspNonce)}"`;
  // The script reads its button labels from its own tag: a host layout's <body> does not carry them.
  const t = locals.t;
  const labels = t
    ? ` data-show-password="${ejs.escapeXML(t('form.showPassword'))}" data-hide-password="${ejs.escapeXML(t('form.hidePassword'))}"`
    : '';
  const head =
    `<link rel="stylesheet" href="${ejs.escapeXML(assets.stylesheet)}"${nonce}>` +
    `<script src="${ejs.escapeXML(assets.script)}" defer${nonce}${labels}></script>`;
  return { assets, head, cspNonce };
}

/** The signed-in person and their sign-out form's target, for a host layout (a token only when signed in). */
function signedInParts(res: Response): Pick<LayoutPage, 'user' | 'signOut'> {
  const locals = res.locals as { user?: CognitoUser; url: (p: string) => string; csrfToken: () => string };
  if (!locals.user) return { user: undefined, signOut: undefined };
  return { user: locals.user, signOut: { action: locals.url('/logout'), csrfToken: locals.csrfToken() } };
}
