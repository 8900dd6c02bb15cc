/**
 * The preview suite connected as the bootstrap superuser, which owns every table here: the sandbox may not borrow
 * its privileges, so the tables the SQL redefines are handed to the confined role, and what that costs (the locks
 * on them are not measured) must be said, never guessed.
 */
import {createTestDatabase} from '../helpers/database-url.js';
import {definePreviewSuite} from './preview-suite.js';

definePreviewSuite('a real Postgres as its bootstrap superuser (DATABASE_URL)', async () => {
	const database = await createTestDatabase('pgpair_preview_boot', {bootstrap: true});
	return {
		async options(workspace) {
			return {workspace, databaseUrl: database.url};
		},
		cleanup: () => database.drop(),
	};
});
