import { expect } from 'chai';
import { safeReturnTo } from '../../src/auth/return-to';

describe('safeReturnTo', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeReturnTo('/complete')).to.equal('/complete');
    expect(safeReturnTo('/a/b?x=1&y=2')).to.equal('/a/b?x=1&y=2');
  });

  for (const bad of [
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '%2F%2Fevil.example',
    '/%2F%2Fevil.example',
    '/%252F%252Fevil.example',
    'javascript:alert(1)',
    ' /complete',
    '/\tcomplete',
    'complete',
    '/%5Cevil.example',
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(safeReturnTo(bad)).to.equal(undefined);
    });
  }

  it('refuses non-strings (repeated parameters) and very long values', () => {
    expect(safeReturnTo(['/a', '/b'])).to.equal(undefined);
    expect(safeReturnTo(`/${'a'.repeat(600)}`)).to.equal(undefined);
  });
});
