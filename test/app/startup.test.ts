import { expect } from 'chai';
import { holdSdkNodeWarning, sdkNodeWarningLine } from '../../src/app/node-warnings';
import { describeStartupError, type NodeInstall } from '../../src/app/startup-errors';

/** Node's message for a native module built for Node 20 (ABI 115), loaded by Node 24 (ABI 137). */
const MISMATCH = Object.assign(
  new Error(
    "The module '/home/me/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
      'was compiled against a different Node.js version using\n' +
      'NODE_MODULE_VERSION 115. This version of Node.js requires\n' +
      'NODE_MODULE_VERSION 137. Please try re-compiling or re-installing\n' +
      'the module (for instance, using `npm rebuild` or `npm install`).',
  ),
  { code: 'ERR_DLOPEN_FAILED' },
);

/** The AWS SDK's notice, as @aws-sdk/core writes it. */
const SDK_TEXT = `NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)
versions published after the first week of January 2027
will require node >=22. You are running node v20.20.2.

To continue receiving updates to AWS services, bug fixes,
and security updates please upgrade to node >=22.

More information can be found at: https://a.co/c895JFp`;

const node24 = (hasHeaders: boolean): NodeInstall => ({ version: 'v24.21.0', abi: '137', prefix: '/opt/node-24', hasHeaders });

describe('start-up messages', () => {
  it('names the Node.js better-sqlite3 was built for and the exact command that rebuilds it, where the app is', () => {
    const text = describeStartupError(MISMATCH, node24(false));
    expect(text).to.contain('was built for Node.js 20 (NODE_MODULE_VERSION 115); this is Node.js v24.21.0 (NODE_MODULE_VERSION 137)');
    expect(text).to.contain('Rebuild it for this Node.js, in /home/me/app:\n    npm rebuild better-sqlite3\n');
    expect(text).to.not.contain('nodedir');
  });

  it("adds the nodedir hint when this Node.js has its headers installed, also when the error is another's cause", () => {
    const wrapped = new Error('the SQLite session store needs better-sqlite3: npm install better-sqlite3', { cause: MISMATCH });
    const text = describeStartupError(wrapped, node24(true));
    expect(text).to.contain('\n    npm_config_nodedir=/opt/node-24 npm rebuild better-sqlite3\n');
    expect(text).to.not.contain('npm install better-sqlite3');
  });

  it('leaves any other error as it is', () => {
    expect(describeStartupError(new Error('PORT=3000: taken'), node24(true))).to.equal('PORT=3000: taken');
    expect(describeStartupError(Object.assign(new Error('other.node: invalid ELF header'), { code: 'ERR_DLOPEN_FAILED' }), node24(true))).to.equal(
      'other.node: invalid ELF header',
    );
  });

  it("puts the AWS SDK's eight-line Node.js notice in one line: its first sentence and its link", () => {
    expect(sdkNodeWarningLine(SDK_TEXT)).to.equal(
      'The AWS SDK for JavaScript (v3) versions published after the first week of January 2027 will require node >=22 (https://a.co/c895JFp)',
    );
    expect(sdkNodeWarningLine('NodeVersionSupportWarning: something new\nover two lines')).to.equal('something new over two lines');
  });

  it('holds back only that notice; other warnings are printed as before', () => {
    const printed: unknown[] = [];
    const fake = { emitWarning: (warning: unknown) => printed.push(warning) } as unknown as NodeJS.Process;
    const held = holdSdkNodeWarning(fake);
    fake.emitWarning(SDK_TEXT);
    fake.emitWarning('SomethingElse: keep me');
    expect(held.line()).to.match(/^The AWS SDK for JavaScript/);
    expect(printed).to.deep.equal(['SomethingElse: keep me']);
    const reported: string[] = [];
    held.release((line) => reported.push(line));
    fake.emitWarning(SDK_TEXT);
    expect(reported).to.have.length(1);
  });
});
