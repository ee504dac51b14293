import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';

/** Every PostgreSQL migration, oldest first. */
export const postgresMigrations = [InitialSchema1764300000000];
