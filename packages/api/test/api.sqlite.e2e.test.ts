import { sqliteBackend } from './support/api-harness.js';
import { describeApiSuite } from './support/api-suite.js';

describeApiSuite(sqliteBackend);
