import pg from 'pg';
import {createTestDatabase} from '../helpers/database-url.js';
import {defineSandboxSuite} from './sandbox-suite.js';

defineSandboxSuite('a real Postgres (DATABASE_URL)', async () => {
	const database = await createTestDatabase();
	return {
		kind: 'postgres',
		async options(workspace) {
			return {workspace, databaseUrl: database.url};
		},
		async otherSession() {
			const client = new pg.Client({connectionString: database.url});
			client.on('error', () => {});
			await client.connect();
			return {
				query: async (sql: string) => (await client.query(sql)).rows,
				close: () => client.end().catch(() => {}),
			};
		},
		cleanup: () => database.drop(),
	};
});
