/** A connection of the test's own that an attack may try to kill; after the session it must still answer (Postgres). */
import pg from 'pg';
import type {Arena} from './arena.js';

/** Attack SQL finds the sentinel by this application_name. */
export const SENTINEL_NAME_SQL = `'adv_sentinel_' || current_database()`;

export async function sentinelSession(arena: Arena): Promise<() => Promise<string[]>> {
	const client = new pg.Client({connectionString: arena.database!.url, application_name: `adv_sentinel_${arena.database!.name}`});
	client.on('error', () => undefined);
	await client.connect();
	return async () => {
		try {
			await client.query('select 1');
			return [];
		} catch (error) {
			return [`another session was terminated: the test's own connection failed with "${(error as Error).message}"`];
		} finally {
			await client.end().catch(() => undefined);
		}
	};
}
