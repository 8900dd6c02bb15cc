import {createTestDatabase} from '../helpers/database-url.js';
import {defineSandboxSuite, postgresEngine} from './sandbox-suite.js';

defineSandboxSuite('a real Postgres (DATABASE_URL)', async () => postgresEngine(await createTestDatabase()));
