import { normaliseMountPath, type MountUrls } from '../urls/mount-urls';
import { CognitoAuthError } from '../errors';

/** A plain path Express can be given as a mount point: no parameters, patterns or lists. */
const PLAIN_PATH = /^(\/[A-Za-z0-9._~-]+)*\/?$/;

/**
 * Where a router's pages live (its mount path), given as an option or learnt from where the router is
 * mounted: Express's mount event (`app.use(path, auth)` on an app, before any request), else the first
 * request's `req.baseUrl` (mounted on a Router).
 */
export interface Mount {
  /** The pages' path ('' at the root), once known. */
  known(): string | undefined;
  /**
   * The pages' path, settled now: a router asked for its URLs or pages before any sign of its mount (its
   * `context()`, `render()` or error page on a host route first) takes the root, as before inference.
   * Mounted elsewhere after all (on a Router, without `mountPath`), its requests then fail naming both.
   */
  settle(): string;
  /** Learns the mount from Express's mount event (`app.use(path, auth)`): the first plain path wins. */
  mountedAt(path: unknown): void;
  /**
   * The pages' path for a request that reached the router at `baseUrl` (learnt from it when still
   * unknown), or the error that names both paths when the router is mounted elsewhere.
   */
  pagesFor(baseUrl: string): string | CognitoAuthError;
}

/** Creates the mount of a router whose `mountPath` option is `option` (normalised; undefined: inferred). */
export function createMount(option: string | undefined): Mount {
  let learnt: string | undefined;
  const known = () => option ?? learnt;
  return {
    known,
    settle: () => known() ?? (learnt = ''),
    mountedAt(path) {
      if (option !== undefined || learnt !== undefined || typeof path !== 'string' || !PLAIN_PATH.test(path)) return;
      learnt = normaliseMountPath(path);
    },
    pagesFor(baseUrl) {
      const at = normaliseMountPath(baseUrl);
      learnt ??= option === undefined ? at : undefined;
      const pages = known() as string;
      const here = at.toLowerCase();
      const there = pages.toLowerCase();
      // Mounted where the pages are, or above them (at the root: one app.use() for the pages and req.cognito).
      if (here === there || (option !== undefined && there.startsWith(`${here}/`))) return pages;
      return new CognitoAuthError(
        'mount_mismatch',
        option === undefined
          ? `cognitoAuth() is mounted at "${at || '/'}" but already serves its pages at "${pages || '/'}" (where it was first mounted or used): mount each router once, and give it a mountPath option when it is mounted on a Router`
          : `cognitoAuth() is mounted at "${at || '/'}" but its mountPath option says "${pages || '/'}"`,
      );
    },
  };
}

/** The router's URLs, read when used: a router whose mount is inferred knows it only once mounted. */
export function lateMountUrls(resolve: () => MountUrls): MountUrls {
  return {
    get mountPath() {
      return resolve().mountPath;
    },
    get baseUrl() {
      return resolve().baseUrl;
    },
    get callbackUrl() {
      return resolve().callbackUrl;
    },
    to: (path) => resolve().to(path),
    signIn: (query) => resolve().signIn(query),
  };
}
