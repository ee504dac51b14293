import { createDatabase } from '@steptrail/test-servers';
import { backendUrls } from '@steptrail/test-servers/backend-urls';
import { dashboardSuite } from './dashboard-suite.js';

const urls = backendUrls();

dashboardSuite({
  name: 'postgres',
  skip: urls.skipReason.postgres,
  database: async () => createDatabase(urls.postgres ?? '', `dashboard_${Date.now()}`),
});
