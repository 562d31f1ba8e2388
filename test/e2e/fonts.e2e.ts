/// <reference lib="dom" />
import { expect } from 'chai';
import { newPage, useWorld } from './browser';

/**
 * The fonts Chromium drew a node's text with, as its DevTools protocol reports them
 * (https://chromedevtools.github.io/devtools-protocol/tot/CSS/#method-getPlatformFontsForNode): without a
 * Japanese font every Japanese character is an empty box, and the screenshots README shows say nothing.
 */
describe('Japanese text on the pages (Chromium)', function () {
  this.timeout(60_000);
  const world = useWorld();

  it('draws the Japanese sign-in page with a font that has the glyphs, not empty boxes (fonts-noto-cjk)', async () => {
    const { page, close } = await newPage(world, { locale: 'ja-JP' });
    await page.goto(`${world.base}/login`);
    const heading = (await page.locator('main h1').first().textContent())?.trim() ?? '';
    expect(heading, 'the heading is Japanese').to.match(/[\u3040-\u30ff\u4e00-\u9fff]/);

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'main h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const japanese = [...heading].filter((c) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(c)).length;
    // The glyphs drawn by fonts that cover Japanese: every Japanese character of the heading, at least.
    const drawnByCjkFonts = fonts.filter((f) => /CJK|JP|Japanese|Gothic|Mincho/i.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0);
    expect(drawnByCjkFonts, `fonts used: ${fonts.map((f) => `${f.familyName} (${f.glyphCount})`).join(', ')}`).to.be.at.least(japanese);
    await close();
  });
});
