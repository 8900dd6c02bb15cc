import {relationFindings} from '../lint-queries.js';
import {extensionMember, userSchema} from '../sql.js';
import type {LintDefinition} from '../types.js';

export const noPrimaryKey: LintDefinition = {
	code: '0004',
	name: 'no_primary_key',
	title: 'No Primary Key',
	level: 'INFO',
	type: 'performance',
	description: 'Finds tables without a primary key. Rows without a stable identity are slow to update, delete and replicate at scale.',
	sql: () =>
		relationFindings({
			cacheKey: 'no_primary_key',
			objectType: 'table',
			detail: 'Table `%s.%s` has no primary key.',
			where: [
				"c.relkind = 'r'",
				userSchema('n.nspname'),
				`not ${extensionMember('c.oid')}`,
				'not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)',
			],
		}),
};
