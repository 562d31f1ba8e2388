import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { MountUrls } from '../../urls/mount-urls';
import type { AppPassport } from '../../auth/passport';
import type { RequireAuth } from '../../auth/require-auth';
import { sessionState } from '../../auth/session-state';
import type { CognitoUser } from '../../auth/types';
import type { SessionControl } from '../../auth/start-session';
import { checkPassword, type PasswordPolicy, type PasswordRule } from '../../cognito/password-policy';
import type { Mailbox } from '../../cognito/mailbox';
import type { TokenVerifier } from '../../cognito/tokens';
import type { UserService } from '../../cognito/user-service';
import { CognitoAuthError, isFormError, type ErrorCode } from '../../errors';
import type { MessageKey } from '../../i18n';
import type { Clock } from '../../auth/lifetimes';
import { sendView, type ViewName } from '../render';
import type { RateLimiters } from './rate-limit';

/** Runs after every sign-in, before the redirect onwards (the host's `afterSignIn` hook). */
export type AfterSignIn = (req: Request, user: CognitoUser) => void | Promise<void>;

/** What the custom account pages' routers are built from. */
export interface AccountRouteDeps {
  users: UserService;
  verifier: TokenVerifier;
  passport: AppPassport;
  limiters: RateLimiters;
  sessions: SessionControl;
  urls: MountUrls;
  requireAuth: RequireAuth;
  clock: Clock;
  mailbox?: Mailbox | undefined;
  /** Where a sign-in on the custom pages goes when it has no `returnTo`. */
  signedInTo: string;
  /**
   * A guard for pages a federated account cannot use (no Cognito password, an address from its
   * provider): such an account goes to the profile, where `notice` says why (see routes/federation.ts).
   */
  refuseFederated: (notice: MessageKey) => RequestHandler;
  afterSignIn?: AfterSignIn | undefined;
}

/**
 * Checks a new password and its repetition before anything is sent to Cognito.
 * @returns the form state to show, or undefined when both are fine.
 */
export function newPasswordProblem(policy: PasswordPolicy, password: string, repeated: string): Omit<FormState, 'values'> | undefined {
  const policyFailures = checkPassword(policy, password);
  if (policyFailures.length > 0) {
    return { error: 'password_policy', policyFailures, fieldErrors: { password: 'error.password_policy' } };
  }
  if (password !== repeated) return { error: 'password_mismatch', fieldErrors: { passwordConfirm: 'form.passwordMismatch' } };
  return undefined;
}

/** A form field's text: anything that is not one string (missing, repeated) counts as empty. */
const text = (schema: z.ZodString) => z.preprocess((v) => (typeof v === 'string' ? v : ''), schema);

/** The custom pages' fields. Messages are catalogue keys. */
export const fields = {
  email: text(z.string().trim().toLowerCase().min(1, 'form.required').max(254, 'form.tooLong').email('form.invalidEmail')),
  password: text(z.string().min(1, 'form.required').max(256, 'form.tooLong')),
  code: z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : ''),
    z.string().min(1, 'form.required').max(16, 'form.tooLong').regex(/^\d+$/, 'form.invalidCode'),
  ),
  name: text(z.string().trim().max(256, 'form.tooLong')),
  /** A code from an authenticator app: six digits (spaces ignored). */
  totp: z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : ''),
    z
      .string()
      .min(1, 'form.required')
      .regex(/^\d{6}$/, 'mfa.invalidCode'),
  ),
};

/** What a form page shows: what was typed (never secrets), and what went wrong. */
export interface FormState {
  values: Record<string, string>;
  fieldErrors: Partial<Record<string, MessageKey>>;
  error?: ErrorCode | undefined;
  policyFailures?: PasswordRule[] | undefined;
}

/** An empty form, optionally prefilled. */
export function emptyForm(values: Record<string, string> = {}): FormState {
  return { values, fieldErrors: {} };
}

/** Parses a form body; on failure returns the field errors (catalogue keys) by field name. */
export function parseForm<T extends z.ZodRawShape>(
  shape: T,
  body: unknown,
): { ok: true; data: z.infer<z.ZodObject<T>> } | { ok: false; fieldErrors: Partial<Record<string, MessageKey>> } {
  const result = z.object(shape).safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Partial<Record<string, MessageKey>> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    fieldErrors[field] ??= (issue.message.includes('.') ? issue.message : 'form.required') as MessageKey;
  }
  return { ok: false, fieldErrors };
}

/** The non-secret fields of a body, for showing a form again. */
export function keepValues(body: unknown, names: string[]): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof source[n] === 'string' ? source[n].slice(0, 256) : '']));
}

/**
 * Shows an error from Cognito beside the form it came from, keeping what was typed; any error that is
 * not a form error is thrown on, to the error page.
 */
export function renderFormError(
  res: Response,
  view: ViewName,
  err: unknown,
  values: Record<string, string>,
  extra: Record<string, unknown> = {},
): void {
  if (!isFormError(err)) throw err;
  renderForm(res, view, err.status, { values, fieldErrors: {}, error: err.code }, extra);
}

/** Renders a form page with its state and the status that fits what happened. */
export function renderForm(res: Response, view: ViewName, status: number, form: FormState, extra: Record<string, unknown> = {}): void {
  sendView(res, view, status, { form, ...extra });
}

/** One-shot messages shown on the next page (kept in the session). */
export function setNotice(req: Request, notice: MessageKey): void {
  sessionState(req).notice = notice;
}

/**
 * What a page group that shows problems on its forms ({@link problemsOnForm}) gets: the CSRF check of its
 * own paths, to run first in its router, so that an expired form token reaches the group's error handler.
 */
export interface FormCheckDeps {
  csrf: RequestHandler;
}

/** Re-renders the form a POST came from, with `form` (what was typed, never secrets) and the status. */
export type FormRerender = (req: Request, res: Response, status: number, form: FormState) => void | Promise<void>;

/**
 * An error handler for a page group's router: a rate limit met on one of its forms (429, with the real
 * wait), or an expired form token (403) where the CSRF check runs inside the group, is said on the form
 * itself, above the fields, with the non-secret fields (`keep`) as typed, instead of on a bare error page.
 * The form comes back with a fresh token: nothing is sent until the person sends it again. Anything else
 * goes on to the error page.
 */
export function problemsOnForm(keep: string[], forms: Record<string, FormRerender>): ErrorRequestHandler {
  const byPath = new Map(Object.entries(forms).map(([path, render]) => [path.toLowerCase(), render]));
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    const render = req.method === 'POST' ? byPath.get(req.path.toLowerCase().replace(/\/+$/, '')) : undefined;
    const said = err instanceof CognitoAuthError && (err.code === 'rate_limited' || err.code === 'csrf_invalid');
    if (!render || !said || res.headersSent) return next(err);
    if (err.retryAfterSeconds !== undefined) res.locals.waitMinutes = Math.max(1, Math.ceil(err.retryAfterSeconds / 60));
    // Which limit refused, so the form can name the way out (after wrong passwords: reset the password).
    if (err.limit !== undefined) res.locals.limit = err.limit;
    const form: FormState = { values: keepValues(req.body, keep), fieldErrors: {}, error: err.code };
    Promise.resolve()
      .then(() => render(req, res, err.status, form))
      .catch(next);
  };
}
