import { dashboardSuite } from './dashboard-suite.js';

dashboardSuite({ name: 'sqlite', skip: null, database: async () => null });
