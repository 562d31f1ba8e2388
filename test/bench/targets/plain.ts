import express from 'express';
import { BENCH_EMAIL, PAGE_PATH, PAGE_VIEW, pageLocals } from '../page';
import type { BuiltTarget } from './types';

/** The same page from plain Express: no session, no guard (the floor). */
export function buildPlainTarget(): Promise<BuiltTarget> {
  const app = express();
  app.get(PAGE_PATH, (_req, res) => {
    res.render(PAGE_VIEW, pageLocals(BENCH_EMAIL));
  });
  return Promise.resolve({ app, close: () => Promise.resolve() });
}
