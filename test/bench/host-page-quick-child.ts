/**
 * `npm run bench:quick`'s pages (see host-page-quick.ts): each runs in a child process of its own, forked
 * with this file, and reports on the windows the parent measures (CPU, pages served, store writes,
 * Set-Cookie headers, calls to Cognito, and a CPU profile with QUICK_PROFILE=1).
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import session from 'express-session';
import { requiresAuth } from '../../src/index';
import { createCognitoClient } from '../../src/cognito/client';
import { settingsFromOptions, type CognitoOptions } from '../../src/cognito/settings';
import { createCognitoAuth } from '../../src/router/create-router';
import { createMemoryStore, createSqliteStore, type SessionStoreHandle } from '../../src/sessions';
import { packageStateOf } from '../helpers/sessions';

export const TARGETS = ['guarded', 'session-only', 'plain'] as const;
export type Target = (typeof TARGETS)[number];
export const PROFILE = process.env.QUICK_PROFILE === '1';
export const STORE = process.env.QUICK_STORE === 'sqlite' ? 'sqlite' : 'memory';
export const SECRET = 'quick-bench-secret-quick-bench-secret-0123';
export const COOKIE = '__Host-cognito.sid';
export const IDLE_MS = 2 * 60 * 60 * 1000;
export const EMAIL = 'quick-bench@example.com';
export const TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Orders</title></head>
<body>
<header><p>Signed in as <strong><%= email %></strong></p></header>
<main><h1>Your orders</h1><ul>
<% for (const order of orders) { -%>
  <li><%= order.id %>: <%= order.item %> (<%= order.status %>)</li>
<% } -%>
</ul></main>
</body>
</html>
`;
export const ORDERS = [
  { id: 'A-1001', item: 'Green tea, 100 g', status: 'shipped' },
  { id: 'A-1002', item: 'Tea cups, pair', status: 'packing' },
];

export interface ChildInit { target: Target; viewsDir: string; cognito: CognitoOptions & { endpoint: string } }
export interface Window { cpuMicros: number; requests: number; storeWrites: number; setCookies: number; cognitoCalls: number; profile?: string }

// ---------------------------------------------------------------- child: one page in its own process

/** Counts what the window reports: pages served, store writes, Set-Cookie headers, calls to Cognito. */
const counters = { requests: 0, storeWrites: 0, setCookies: 0, cognitoCalls: 0 };

/** The page's session store, from which the session-only page gets a copy of a signed-in session. */
let pageStore: session.Store | undefined;

function countedStore(init: ChildInit): SessionStoreHandle {
  const handle = STORE === 'sqlite' ? createSqliteStore({ file: path.join(init.viewsDir, `${init.target}.sqlite`) }) : createMemoryStore();
  pageStore = handle.store;
  const store = handle.store as session.Store & Record<string, unknown>;
  for (const name of ['set', 'touch'] as const) {
    const original = store[name] as ((...args: unknown[]) => void) | undefined;
    if (original) store[name] = (...args: unknown[]) => ((counters.storeWrites += 1), original.apply(store, args));
  }
  return handle;
}

function buildGuarded(init: ChildInit): express.Express {
  const { endpoint, ...aws } = init.cognito;
  const emulator = settingsFromOptions(init.cognito);
  const client = new Proxy(createCognitoClient({ region: 'local', endpoint, timeoutMs: 5000 }), {
    get: (target, prop, receiver) =>
      prop === 'send' ? (command: never) => ((counters.cognitoCalls += 1), target.send(command)) : (Reflect.get(target, prop, receiver) as unknown),
  });
  const fetchOriginal = globalThis.fetch;
  globalThis.fetch = (...args) => ((counters.cognitoCalls += 1), fetchOriginal(...args));
  // Production options (no endpoint, https baseUrl); the emulator's settings below the public options.
  const auth = createCognitoAuth(
    {
      baseUrl: 'https://shop.example.com',
      mountPath: '/account',
      cognito: aws,
      session: { store: countedStore(init), secret: SECRET },
      rateLimits: { perIpPerMinute: 1_000_000, signInStartsPerMinute: 1_000_000, signInFailures: 1_000_000 },
    },
    { settings: emulator, client },
  );
  const app = hostApp(init);
  app.use('/account', auth);
  app.use(auth.context());
  app.get('/orders', requiresAuth(), (req, res) => res.render('orders', { email: req.cognito!.user!.email, orders: ORDERS }));
  return app;
}

function buildSessionOnly(init: ChildInit): express.Express {
  const app = hostApp(init);
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: true, path: '/', maxAge: IDLE_MS };
  app.use(session({ name: COOKIE, secret: SECRET, store: countedStore(init).store, resave: false, saveUninitialized: false, cookie }));
  app.post('/bench/seed', express.json({ limit: '64kb' }), (req, res) => {
    Object.assign(req.session, req.body);
    res.sendStatus(204);
  });
  app.get('/orders', (req, res) => {
    const user = packageStateOf(req.session)?.user;
    if (!user) return res.redirect(303, '/login');
    res.render('orders', { email: user.email, orders: ORDERS });
  });
  return app;
}

function hostApp(init: ChildInit): express.Express {
  const app = express();
  app.set('trust proxy', 1);
  app.set('views', init.viewsDir);
  app.set('view engine', 'ejs');
  app.use((req, res, next) => {
    if (req.path === '/orders') res.on('finish', () => ((counters.requests += 1), res.hasHeader('set-cookie') && (counters.setCookies += 1)));
    next();
  });
  return app;
}

/** Serves one page for the parent process and reports on its windows (the messages below). */
async function runChild(): Promise<void> {
  const init = await new Promise<ChildInit>((resolve) => process.once('message', (m) => resolve(m as ChildInit)));
  const app = init.target === 'guarded' ? buildGuarded(init) : init.target === 'session-only' ? buildSessionOnly(init) : hostApp(init);
  if (init.target === 'plain') app.get('/orders', (_req, res) => res.render('orders', { email: EMAIL, orders: ORDERS }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const profiler = new inspector.Session();
  profiler.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => profiler.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  if (PROFILE) await post('Profiler.enable');
  let start = { cpu: process.cpuUsage(), ...counters };
  process.on('message', (m: { op: string; sid?: string }) => {
    void (async () => {
      if (m.op === 'start') {
        if (PROFILE) await post('Profiler.start');
        start = { cpu: process.cpuUsage(), ...counters };
        process.send!({ op: 'started' });
      } else if (m.op === 'stop') {
        const cpu = process.cpuUsage(start.cpu);
        const window: Window = {
          cpuMicros: cpu.user + cpu.system,
          requests: counters.requests - start.requests,
          storeWrites: counters.storeWrites - start.storeWrites,
          setCookies: counters.setCookies - start.setCookies,
          cognitoCalls: counters.cognitoCalls - start.cognitoCalls,
        };
        if (PROFILE) {
          const { profile } = (await post('Profiler.stop')) as { profile: unknown };
          window.profile = path.join(init.viewsDir, `${init.target}-${Date.now()}.cpuprofile`);
          fs.writeFileSync(window.profile, JSON.stringify(profile));
        }
        process.send!({ op: 'stopped', window });
      } else if (m.op === 'dump') {
        const stored = await new Promise<session.SessionData>((resolve, reject) =>
          pageStore!.get(m.sid as string, (err, sess) => (err || !sess ? reject(err ?? new Error('no such session')) : resolve(sess))),
        );
        const { cookie: _cookie, ...data } = stored;
        process.send!({ op: 'dumped', data });
      } else if (m.op === 'exit') {
        server.close();
        process.exit(0);
      }
    })();
  });
  process.send!({ op: 'listening', port: (server.address() as AddressInfo).port });
}

if (process.argv[2] === 'child') void runChild();
