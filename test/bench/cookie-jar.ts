/** The cookies of one browser, by origin: enough to drive a sign-in with fetch (paths are ignored). */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  /** Keeps the cookies a response sets (and drops those it clears). */
  store(url: string, res: Response): void {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] as string;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared = value === '' || /;\s*max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line);
      if (cleared) jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** The Cookie header for a URL. */
  header(url: string): string {
    const jar = this.byOrigin.get(new URL(url).origin);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  /** One cookie as `name=value`, or undefined. */
  pair(url: string, name: string): string | undefined {
    const value = this.byOrigin.get(new URL(url).origin)?.get(name);
    return value === undefined ? undefined : `${name}=${value}`;
  }
}
