import {createTestDatabase} from '../helpers/database-url.js';
import {definePreviewSuite} from './preview-suite.js';

definePreviewSuite('a real Postgres (DATABASE_URL)', async () => {
	const database = await createTestDatabase('pgpair_preview');
	return {
		async options(workspace) {
			return {workspace, databaseUrl: database.url};
		},
		cleanup: () => database.drop(),
	};
});
