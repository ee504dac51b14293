import { backendUrls } from '@steptrail/test-servers/backend-urls';
import { serverBackend } from './support/api-harness.js';
import { describeApiSuite } from './support/api-suite.js';

const urls = backendUrls();
describeApiSuite(serverBackend('postgres', urls.postgres), urls.skipReason.postgres);
