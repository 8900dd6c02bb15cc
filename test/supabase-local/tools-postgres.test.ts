import {createTestDatabase} from '../helpers/database-url.js';
import {defineToolSuite} from './tool-suite.js';

defineToolSuite('a real Postgres (DATABASE_URL)', async () => {
	const database = await createTestDatabase();
	return {
		async options(workspace) {
			return {workspace, databaseUrl: database.url};
		},
		cleanup: () => database.drop(),
	};
});
