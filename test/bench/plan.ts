import type { SessionStoreKind } from './settings';
import type { TargetKind, TargetStore } from './targets/types';

/** One target to start and measure: a page kind with a store. */
export interface PlannedTarget {
  key: string;
  kind: TargetKind;
  store: TargetStore;
}

/** How each kind is named in the report. */
export const KIND_LABELS: Record<TargetKind, string> = {
  guarded: 'Host page: cognitoAuth() + requiresAuth()',
  app: 'Reference app: whole stack + requiresAuth()',
  'openid-connect': 'express-openid-connect 3, requiresAuth()',
  'session-only': "express-session only, a copy of the package's session",
  'session-tiny': 'express-session only, a tiny session',
  plain: 'Plain Express',
};

/**
 * The targets in measuring order (each round goes through them all once, in this order): per store the
 * host's page behind the package, the reference app, express-openid-connect, express-session with a copy
 * of the package's session and express-session with a tiny one; then express-openid-connect with its
 * default cookie session, and plain Express (no store). `only` keeps the targets of those keys.
 */
export function planTargets(stores: SessionStoreKind[], only?: readonly string[]): PlannedTarget[] {
  const planned: PlannedTarget[] = [];
  for (const store of stores) {
    for (const kind of ['guarded', 'app', 'openid-connect', 'session-only', 'session-tiny'] as const)
      planned.push({ key: `${kind}/${store}`, kind, store });
  }
  planned.push({ key: 'openid-connect/cookie', kind: 'openid-connect', store: 'cookie' });
  planned.push({ key: 'plain/none', kind: 'plain', store: 'none' });
  return only ? planned.filter((p) => only.includes(p.key)) : planned;
}

/** How each store is named in the report (express-openid-connect's cookie is a session but not a store). */
export function storeLabel(store: TargetStore): string {
  if (store === 'cookie') return 'cookie (no store)';
  if (store === 'none') return 'no session';
  return store;
}
