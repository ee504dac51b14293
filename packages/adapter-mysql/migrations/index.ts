import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';

/** Every MySQL/MariaDB migration, oldest first. */
export const mysqlMigrations = [InitialSchema1764300000000];
