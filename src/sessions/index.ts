import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import session from 'express-session';
import type { AppConfig } from '../config';
import { SqliteSessionStore } from './sqlite-store';

/** A session store the app can close on shutdown. */
export type ClosableStore = session.Store & { close?: () => void };

/**
 * Creates the configured session store: `sqlite` (default, a file under DATA_DIR) or `memory` (tests;
 * refused in production by config validation).
 */
export function createSessionStore(config: Pick<AppConfig, 'dataDir' | 'session'>): ClosableStore {
  if (config.session.store === 'memory') return new session.MemoryStore();
  fs.mkdirSync(config.dataDir, { recursive: true });
  return new SqliteSessionStore(path.join(config.dataDir, 'sessions.sqlite'));
}

/**
 * Returns SESSION_SECRET, or outside production a secret generated once and kept in
 * `DATA_DIR/session-secret` (mode 0600), so a restart keeps people signed in.
 */
export function resolveSessionSecret(config: Pick<AppConfig, 'dataDir' | 'session'>): string {
  if (config.session.secret) return config.session.secret;
  const file = path.join(config.dataDir, 'session-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
