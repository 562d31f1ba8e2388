/*
 * The layers of src/ (docs/architecture.md draws them), and what each module imports, for the structure
 * checks in this folder.
 */
import path from 'node:path';
import madge from 'madge';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SRC = path.join(ROOT, 'src');

/**
 * The rooms of src/, in layers from the bottom up. A module may import its own room and any room of a
 * lower layer; never a room of its own layer (the rooms of one layer know nothing of each other) nor of
 * a higher one. A room is a folder (`cognito/`) or a file (`errors.ts`); a module belongs to the room with
 * the longest matching name (`testing/emulator/start.ts` to `testing/emulator/`, not `testing/`).
 */
export const LAYERS: ReadonlyArray<{ name: string; rooms: readonly string[] }> = [
  { name: 'shared leaves', rooms: ['errors.ts', 'log.ts', 'settle.ts', 'kit-marker.ts', 'urls/'] },
  { name: 'messages, and async handlers', rooms: ['i18n/', 'async-handler.ts'] },
  { name: 'Cognito and the session stores', rooms: ['cognito/', 'sessions/'] },
  { name: 'sign-in, and the emulator', rooms: ['auth/', 'testing/emulator/'] },
  { name: 'the router, and the test kit', rooms: ['router/', 'testing/'] },
  { name: 'the public API', rooms: ['index.ts'] },
  { name: 'the reference app', rooms: ['app/'] },
];

/** What the reference app may import of the package: its two public entry points, as a host would. */
export const PUBLIC_ENTRY_POINTS = ['index.ts', 'testing/index.ts'] as const;

/** The room of a module (a path relative to src/), or undefined when no room claims it. */
export function roomOf(module: string): string | undefined {
  const rooms = LAYERS.flatMap((layer) => layer.rooms);
  const matching = rooms.filter((room) => (room.endsWith('/') ? module.startsWith(room) : module === room));
  return matching.sort((a, b) => b.length - a.length)[0];
}

/** The layer (0 at the bottom) of a room. */
export function layerOf(room: string): number {
  return LAYERS.findIndex((layer) => layer.rooms.includes(room));
}

/** Why `from` may not import `to` (both relative to src/), or undefined when it may. */
export function layeringProblem(from: string, to: string): string | undefined {
  const a = roomOf(from);
  const b = roomOf(to);
  if (a === undefined) return `${from} belongs to no room of LAYERS`;
  if (b === undefined) return `${to} belongs to no room of LAYERS`;
  if (a === b) return undefined;
  const [la, lb] = [layerOf(a), layerOf(b)];
  if (lb < la) return undefined;
  const how = lb === la ? `its neighbour ${b} (both in "${LAYERS[la]!.name}")` : `${b} (a higher layer: "${LAYERS[lb]!.name}")`;
  return `${from} imports ${to}: ${a} may not import ${how}`;
}

/**
 * Every module under `dir` (default src/) and the modules there it imports, type-only imports and
 * re-exports included (madge with its TypeScript detective, resolving as tsconfig.json does), and the
 * import circles among them.
 */
export async function importGraph(dir = SRC): Promise<{ graph: Record<string, string[]>; circles: string[][] }> {
  const result = await madge(dir, {
    fileExtensions: ['ts'],
    tsConfig: path.join(ROOT, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  return { graph: result.obj(), circles: result.circular() };
}
