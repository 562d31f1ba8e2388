import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type supertest from 'supertest';
import { testEmulator } from './emulator';

type Agent = ReturnType<typeof supertest.agent>;

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(token, 'a CSRF token on the page').to.be.a('string');
  return token as string;
}

/** GETs `page` (for its CSRF token), then POSTs `fields` to `action` as a browser form would. */
export async function submit(agent: Agent, page: string, action: string, fields: Record<string, string>) {
  const form = await agent.get(page);
  expect(form.status, `GET ${page}`).to.equal(200);
  return agent
    .post(action)
    .type('form')
    .send({ ...fields, _csrf: csrfOf(form.text) });
}

/**
 * The code cognito-local "e-mailed" to `email`, read from the emulator's own store (not through the app),
 * as a person would read their mail.
 */
export function codeFromEmulator(email: string): string {
  const { emulator, ids } = testEmulator();
  const db = JSON.parse(fs.readFileSync(path.join(emulator.dir, '.cognito', 'db', `${ids.userPoolId}.json`), 'utf8')) as {
    Users: Record<string, { Attributes: Array<{ Name: string; Value: string }>; ConfirmationCode?: string }>;
  };
  const user = Object.values(db.Users).find((u) => u.Attributes.some((a) => a.Name === 'email' && a.Value === email));
  expect(user?.ConfirmationCode, `a pending code for ${email}`).to.be.a('string');
  return user!.ConfirmationCode!;
}

/** A fresh address for a test. */
export function newEmail(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}@example.com`;
}
