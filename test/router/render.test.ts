import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Request, Response } from 'express';
import { createRenderer } from '../../src/router/render';

/** A response that keeps what is sent. */
function fakeResponse() {
  const sent: string[] = [];
  const res = {
    locals: { who: 'Ann' },
    status: () => res,
    type: () => res,
    send: (html: string) => sent.push(html),
  };
  return { res: res as unknown as Response, sent };
}

/** Counts the synchronous file-system calls ejs and the renderer make while `work` runs. */
async function fsCallsDuring(work: () => Promise<void>): Promise<string[]> {
  const calls: string[] = [];
  const original = { existsSync: fs.existsSync, readFileSync: fs.readFileSync };
  fs.existsSync = (p: fs.PathLike) => (calls.push(`existsSync ${String(p)}`), original.existsSync(p));
  fs.readFileSync = ((...args: Parameters<typeof fs.readFileSync>) => (
    calls.push(`readFileSync ${String(args[0])}`),
    original.readFileSync(...args)
  )) as typeof fs.readFileSync;
  try {
    await work();
  } finally {
    fs.existsSync = original.existsSync;
    fs.readFileSync = original.readFileSync;
  }
  return calls;
}

describe('the package renderer (production: templates cached)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-'));
    fs.writeFileSync(path.join(dir, 'page.ejs'), '<p>Hello <%= who %></p><%- include("part", { n: 1 }) %><%- include("part", { n: 2 }) %>');
    fs.writeFileSync(path.join(dir, 'part.ejs'), '<i><%= who %> <%= n %></i>');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders a page with its includes and, after the first time, makes no synchronous file-system call', async () => {
    const renderer = createRenderer({ cache: true, assets: { stylesheet: '/s.css', script: '/a.js' } });
    const page = path.join(dir, 'page.ejs');
    const first = fakeResponse();
    await renderer.file({} as Request, first.res, page, 200);
    expect(first.sent).to.deep.equal(['<p>Hello Ann</p><i>Ann 1</i><i>Ann 2</i>']);
    const again = fakeResponse();
    const calls = await fsCallsDuring(() => renderer.file({} as Request, again.res, page, 200));
    expect(again.sent).to.deep.equal(first.sent);
    expect(calls).to.deep.equal([]);
  });

  it('reads and resolves again on every render without the cache (development), so edits show at once', async () => {
    const renderer = createRenderer({ cache: false, assets: { stylesheet: '/s.css', script: '/a.js' } });
    const page = path.join(dir, 'page.ejs');
    await renderer.file({} as Request, fakeResponse().res, page, 200);
    fs.writeFileSync(path.join(dir, 'part.ejs'), '<b><%= n %></b>');
    const edited = fakeResponse();
    await renderer.file({} as Request, edited.res, page, 200);
    expect(edited.sent).to.deep.equal(['<p>Hello Ann</p><b>1</b><b>2</b>']);
  });
});
