import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The file in each of the kit's temp directories that says which process owns it. */
const MARKER = '.test-kit-owner.json';

interface Owner {
  pid: number;
  hostname: string;
}

/** Whether a process with this id runs on this machine (EPERM: it runs, as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh temp directory `<tmp>/<prefix>XXXXXX` marked as this process's. */
export function createOwnedTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const owner: Owner = { pid: process.pid, hostname: os.hostname() };
  fs.writeFileSync(path.join(dir, MARKER), JSON.stringify(owner));
  return dir;
}

/**
 * Removes the temp directories an earlier run left when it was killed before its `stop()`: only those the
 * kit can prove are its own and abandoned, i.e. `<tmp>/<prefix>*` holding the kit's marker, written on this
 * machine by a process that no longer runs. Its emulator ended with it (the emulator exits when its parent
 * does). Anything else, including directories of earlier kit versions without a marker, is left alone.
 *
 * @returns the directories removed.
 */
export function removeAbandonedTempDirs(prefix: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(os.tmpdir(), name);
    let owner: Partial<Owner>;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as Partial<Owner>;
    } catch {
      continue;
    }
    if (typeof owner.pid !== 'number' || owner.hostname !== os.hostname() || owner.pid === process.pid || isAlive(owner.pid)) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another run removed it first, or it is not ours to remove after all: leave it.
    }
  }
  return removed;
}
