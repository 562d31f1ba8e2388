import path from 'node:path';
import ejs from 'ejs';

/** Where every target serves the measured page. */
export const PAGE_PATH = '/orders';

/** The one small EJS page every target renders (a host app's own page, not one of the package's views). */
export const PAGE_VIEW = path.join(__dirname, 'views', 'host-page.ejs');

/** The account every target signs in as, so that every connection gets the same bytes. */
export const BENCH_EMAIL = 'bench@example.com';

const ORDERS = [
  { id: 'A-1001', item: 'Green tea, 100 g', status: 'shipped' },
  { id: 'A-1002', item: 'Tea cups, pair', status: 'packing' },
  { id: 'A-1003', item: 'Kyusu teapot', status: 'ordered' },
];

/** What a target passes to `res.render(PAGE_VIEW, ...)`. */
export function pageLocals(email: string): { email: string; orders: typeof ORDERS } {
  return { email, orders: ORDERS };
}

/**
 * The exact body every response must carry (the load generator compares each one byte for byte).
 * ASCII only, so that comparing decoded strings is comparing bytes.
 */
export async function renderExpectedPage(): Promise<string> {
  const body = await ejs.renderFile(PAGE_VIEW, pageLocals(BENCH_EMAIL));
  // eslint-disable-next-line no-control-regex -- any ASCII, control characters included, on purpose
  if (!/^[\x00-\x7f]*$/.test(body) || !body.includes(BENCH_EMAIL)) throw new Error('the bench page must be ASCII and show the email');
  return body;
}
