export { sqlRawAccess } from './sql-raw-access.js';
