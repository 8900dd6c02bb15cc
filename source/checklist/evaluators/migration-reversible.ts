import type {Evidence, MigrationRecord, SchemaPreview} from '../evidence.js';
import {type CompletedCall, schemaChanges, sqlParserFor, succeeded} from '../session-facts.js';
import {done, type Evaluator, listed, notApplicable, open} from './types.js';

const DOWN_MARKER = /^[ \t]*--[ \t]*migrate:down[ \t]*$/im;

/**
 * The rollback of a migration written in pgpair's convention: after a line `-- migrate:down`, every line
 * commented out with `-- ` (so applying the file never runs it). Undefined when there is no such section or it
 * holds no SQL.
 */
export function downSection(sql: string): string | undefined {
	const marker = DOWN_MARKER.exec(sql);
	if (!marker) return undefined;
	const rest = sql.slice(marker.index + marker[0].length);
	const rollback = rest
		.split(/\r?\n/)
		.map(line => line.replace(/^[ \t]*-- ?/, ''))
		.join('\n')
		.trim();
	return hasSql(rollback) ? rollback : undefined;
}

/** Something other than blank lines and comments. */
function hasSql(sql: string): boolean {
	return sql.split(/\r?\n/).some(line => line.trim() !== '' && !line.trim().startsWith('--'));
}

// A newline first: a script that ends in a `--` comment would otherwise swallow the separator.
const STATEMENT_BREAK = '\n;\n';

type SessionMigration = {name: string; up: string; down?: string; downFrom?: string; project?: string};

function sessionMigration(call: CompletedCall, ledger: readonly MigrationRecord[]): SessionMigration {
	const name = String(call.input.name ?? '');
	const up = typeof call.input.query === 'string' ? call.input.query : '';
	const project = typeof call.input.project_id === 'string' ? call.input.project_id : undefined;
	const base = {name, up, ...(project ? {project} : {})};
	const inline = downSection(up);
	if (inline) return {...base, down: inline, downFrom: '-- migrate:down section'};
	// The ledger lists main's migrations; the newest of that name is the one this call wrote.
	const record = project ? undefined : ledger.filter(m => m.name === name).at(-1);
	if (record?.downFile && hasSql(record.downFile.content)) return {...base, down: record.downFile.content.trim(), downFrom: record.downFile.path};
	const fileDown = record?.file ? downSection(record.file.content) : undefined;
	if (fileDown) return {...base, down: fileDown, downFrom: `-- migrate:down section of ${record!.file!.path}`};
	return base;
}

/** Lines of one dump missing from the other, for evidence text. */
function dumpDifference(expected: string, actual: string): string {
	const want = new Set(expected.split('\n'));
	const have = new Set(actual.split('\n'));
	const lines = [
		...[...want].filter(line => !have.has(line)).map(line => `missing: ${line.trim()}`),
		...[...have].filter(line => !want.has(line)).map(line => `left over: ${line.trim()}`),
	];
	return listed(
		lines.filter(line => !/^\w+(?: \w+)?: $/.test(line)),
		3,
	);
}

// Dry runs are slow and their answer depends only on the SQL and the schema it starts from; remember them per
// evidence port until the schema changes again.
const previews = new WeakMap<Evidence, Map<string, Promise<SchemaPreview>>>();

function preview(evidence: Evidence, input: {query: string; rollback_query: string; project_id?: string}, schemaVersion: number): Promise<SchemaPreview> {
	let cache = previews.get(evidence);
	if (!cache) {
		cache = new Map();
		previews.set(evidence, cache);
	}
	const key = JSON.stringify([schemaVersion, input]);
	let result = cache.get(key);
	if (!result) {
		result = evidence.previewSql(input);
		cache.set(key, result);
		// An unavailable tool may appear later (the server restarts with it); only keep real answers.
		void result.then(
			answer => {
				if (!answer.available) cache.delete(key);
			},
			() => cache.delete(key),
		);
	}
	return result;
}

/**
 * Done when every migration applied in this session has a rollback (a `-- migrate:down` section or a
 * `<version>_<name>.down.sql` file) and the rollbacks round-trip on a scratch copy. The database already holds the
 * migrations, so each dry run starts from today's schema and first rolls back, newest first, down to the migration
 * under test; that gives the schema from just before it. Then
 * - for each migration, up then down must give that schema again (`after_rollback` equals `after`), and
 * - for the whole chain, down then up must give today's schema (catches a rollback that drops more than its
 *   migration created).
 * Limit: "the schema before" is the one the later rollbacks produce, so a rollback that forgets an object its
 * migration creates idempotently (`create or replace`, `if not exists`) is not caught; forgetting anything else makes
 * the second `up` fail, which is.
 */
export const migrationReversible: Evaluator = async (events, evidence) => {
	await sqlParserFor(events);
	const applied = succeeded(events, 'apply_migration');
	if (applied.length === 0) return notApplicable('no migration applied in this session');
	const ledger = await evidence.migrations();
	const migrations = applied.map(call => sessionMigration(call, ledger));
	const missing = migrations.filter(m => !m.down).map(m => m.name);
	if (missing.length > 0) {
		return open(`no rollback (no \`-- migrate:down\` section, no .down.sql file) for ${listed(missing.map(name => `migration ${name}`))}`);
	}

	const schemaVersion = schemaChanges(events).at(-1)?.seq ?? 0;
	const projects = [...new Set(migrations.map(m => m.project))];
	const proven: string[] = [];
	for (const project of projects) {
		const chain = migrations.filter(m => m.project === project);
		const target = project ? {project_id: project} : {};
		const where = project ? ` on branch ${project}` : '';
		const downsFrom = (index: number) =>
			chain
				.slice(index)
				.reverse()
				.map(m => m.down!)
				.join(STATEMENT_BREAK);

		for (let index = chain.length - 1; index >= 0; index--) {
			const migration = chain[index]!;
			const result = await preview(
				evidence,
				{query: downsFrom(index), rollback_query: `${migration.up}${STATEMENT_BREAK}${migration.down!}`, ...target},
				schemaVersion,
			);
			if (!result.available) return open(`rollbacks exist for ${chain.map(m => m.name).join(', ')}, but the round trip cannot be verified: ${result.reason}`);
			if (result.error) return open(`the round trip of ${migration.name}${where} failed on a scratch copy: ${result.error}`);
			if (result.after_rollback === undefined) return open(`the rollback of ${migration.name} exists, but the dry run returned no schema after it`);
			if (result.after === result.before) return open(`the rollback of ${migration.name}${where} changes nothing on a scratch copy`);
			if (result.after_rollback !== result.after) {
				return open(`up then down of ${migration.name}${where} does not give the original schema: ${dumpDifference(result.after, result.after_rollback)}`);
			}
		}

		const names = chain.map(m => m.name).join(', ');
		const downThenUp = await preview(evidence, {query: downsFrom(0), rollback_query: chain.map(m => m.up).join(STATEMENT_BREAK), ...target}, schemaVersion);
		if (!downThenUp.available) return open(`rollbacks exist for ${names}, but the round trip cannot be verified: ${downThenUp.reason}`);
		if (downThenUp.error) return open(`re-applying ${names}${where} after the rollbacks failed on a scratch copy: ${downThenUp.error}`);
		if (downThenUp.after_rollback !== undefined && downThenUp.after_rollback !== downThenUp.before) {
			return open(`the rollbacks of ${names}${where} remove more than the migrations create: ${dumpDifference(downThenUp.before, downThenUp.after_rollback)}`);
		}
		proven.push(`${names}${where}`);
	}
	const sources = [...new Set(migrations.map(m => m.downFrom))].join(', ');
	return done(
		`${migrations.length} migration${migrations.length === 1 ? '' : 's'} with rollbacks (${sources}); on a scratch copy up then down gives the original schema and down then up gives today's (${listed(proven)})`,
	);
};
