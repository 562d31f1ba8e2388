/** The `sid=…` pair a response sets (for a Cookie header), if it sets one. */
export function sidOf(res: { headers: Record<string, unknown> }): string | undefined {
  return ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('sid='))?.split(';')[0];
}
