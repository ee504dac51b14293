import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';

/** Every SQLite migration, oldest first. */
export const sqliteMigrations = [InitialSchema1764300000000];
