import fs from 'node:fs/promises';
import path from 'node:path';
import { StormDB, StormDBDataStore, type Context, type DataStore, type DataStoreFactory } from './cognito-local';

/** cognito-local's reviver: fields named `…Date` come back as Dates (its services compare and format them). */
function reviveDates(key: string, value: unknown): unknown {
  if (!key.endsWith('Date')) return value;
  if (typeof value === 'number' || typeof value === 'string') return new Date(value);
  throw new Error(`Deserialize: Expected ${key} to contain a String or Number, received a ${typeof value}`);
}

/**
 * cognito-local 5.3.0's `StormDBDataStoreFactory` (lib/services/dataStore/stormDb.js), writing the same
 * files in the same format. Its serializer passes a replacer function that turns each `…Date` field into
 * an ISO string; `JSON.stringify` does that by itself (`Date#toJSON`), and without a replacer it never
 * calls back into JavaScript for every key. A pool file is written whole on every change and grows with
 * its users, so this is most of the emulator's time spent on storage.
 */
export class EmulatorDataStoreFactory implements DataStoreFactory {
  constructor(private readonly directory: string) {}

  async create(_ctx: Context, id: string, defaults: object): Promise<DataStore> {
    await fs.mkdir(this.directory, { recursive: true });
    const engine = new StormDB.localFileEngine(path.join(this.directory, `${id}.json`), {
      async: true,
      serialize: (data: unknown) => JSON.stringify(data, null, 2),
      deserialize: (text: string) => JSON.parse(text, reviveDates) as unknown,
    });
    const db = new StormDB(engine);
    db.default(defaults);
    await db.save();
    return new StormDBDataStore(db);
  }
}
