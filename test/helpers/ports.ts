/** The test kit's free-port helper, shared by the suite. */
export { freePort } from '../../src/testing/free-port';
