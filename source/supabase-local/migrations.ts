import {readdir, rm} from 'node:fs/promises';
import path from 'node:path';
import {writeConfinedFile} from './confined-files.js';
import {type DatabasePlatform, PostgresError, type SqlRunner, toPostgresError} from './platform.js';
import {parseSql, transactionControlIn} from './sql-split.js';

/** One row of `supabase_migrations.schema_migrations`. */
export type Migration = {version: string; name: string; statements: string[]};

/** snake_case as the Supabase CLI writes migration names: lowercase words of letters and digits joined by `_`. */
export const MIGRATION_NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export async function listMigrations(db: SqlRunner): Promise<Migration[]> {
	const {rows} = await db.query('select version, name, statements from supabase_migrations.schema_migrations order by version');
	return rows.map(row => ({
		version: String(row.version),
		name: String(row.name ?? ''),
		statements: (row.statements as string[] | null) ?? [],
	}));
}

/** `YYYYMMDDHHMMSS` in UTC, bumped past the newest existing version so versions stay unique and ordered. */
export function nextVersion(newest: string | undefined, now = new Date()): string {
	const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
	if (newest && /^\d+$/.test(newest) && BigInt(stamp) <= BigInt(newest)) return (BigInt(newest) + 1n).toString();
	return stamp;
}

/** A statement ending in a `--` comment would swallow a `;` written on the same line. */
function terminated(statement: string): string {
	const lastLine = statement.slice(statement.lastIndexOf('\n') + 1);
	return lastLine.includes('--') ? `${statement}\n;` : `${statement};`;
}

export function migrationSql(migration: Migration): string {
	return `${migration.statements.map(terminated).join('\n\n')}\n`;
}

/** Prefixes which migration failed while keeping Postgres's code and position. */
function failedMigration(migration: Pick<Migration, 'version' | 'name'>, error: unknown): Error {
	const cause = toPostgresError(error);
	const message = `Migration ${migration.version}_${migration.name} failed: ${cause.message}`;
	if (cause instanceof PostgresError) {
		return new PostgresError(message, cause.code, cause.position, cause.detail, cause.hint);
	}
	return new Error(message);
}

/** Validates a migration before anything runs; every rejection here leaves the database untouched. */
export async function prepareMigration(name: string, query: string): Promise<{name: string; query: string; statements: string[]}> {
	if (!MIGRATION_NAME_PATTERN.test(name)) {
		throw new Error(
			`Migration name "${name}" is not snake_case: use lowercase letters, digits and underscores, starting with a letter (e.g. create_profiles_table).`,
		);
	}
	const parsed = await parseSql(query);
	if (parsed && parsed.statements.length === 0) throw new Error('The migration contains no SQL statements.');
	const control = transactionControlIn(parsed);
	if (control) {
		throw new Error(
			`The migration contains transaction control ("${control}"). Migrations already run in one transaction, all or nothing; remove BEGIN/COMMIT/ROLLBACK.`,
		);
	}
	return {name, query, statements: parsed?.statements ?? [query.trim()]};
}

/** The workspace copy of the ledger, in the Supabase CLI layout `supabase/migrations/<version>_<name>.sql`. */
export class MigrationFiles {
	readonly directory: string;
	readonly #workspace: string;

	constructor(workspace: string) {
		this.#workspace = workspace;
		this.directory = path.join(workspace, 'supabase', 'migrations');
	}

	fileOf(migration: Pick<Migration, 'version' | 'name'>): string {
		return path.join(this.directory, `${migration.version}_${migration.name}.sql`);
	}

	async write(migration: Pick<Migration, 'version' | 'name'>, content: string): Promise<void> {
		await writeConfinedFile(this.#workspace, `supabase/migrations/${path.basename(this.fileOf(migration))}`, content.endsWith('\n') ? content : `${content}\n`);
	}

	async remove(migration: Pick<Migration, 'version' | 'name'>): Promise<void> {
		await rm(this.fileOf(migration), {force: true});
	}

	/** Writes a file for every ledger entry that has none (e.g. the workspace was cleaned); returns what it wrote. */
	async restoreMissing(ledger: Migration[]): Promise<string[]> {
		let present: Set<string>;
		try {
			present = new Set(await readdir(this.directory));
		} catch {
			present = new Set();
		}
		const written: string[] = [];
		for (const migration of ledger) {
			const base = path.basename(this.fileOf(migration));
			if (present.has(base)) continue;
			await this.write(migration, migrationSql(migration));
			written.push(base);
		}
		return written;
	}
}

async function record(tx: SqlRunner, migration: Migration): Promise<void> {
	await tx.query('insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)', [
		migration.version,
		migration.name,
		migration.statements,
	]);
}

/**
 * Applies one new migration atomically: the SQL, the ledger row and the workspace file succeed together or not at
 * all. The file is written inside the transaction (so a write failure rolls back) and removed again if the commit
 * itself fails, which is how ledger and files never drift apart.
 */
export async function applyMigration(
	db: DatabasePlatform,
	input: {name: string; query: string},
	files?: MigrationFiles,
	/** The newest version issued anywhere (main or another branch), so versions never collide across branches. */
	floor?: string,
): Promise<Migration> {
	const prepared = await prepareMigration(input.name, input.query);
	let migration: Migration | undefined;
	try {
		return await db.transaction(async tx => {
			const {rows} = await tx.query('select max(version) as newest from supabase_migrations.schema_migrations');
			const newest = [rows[0]?.newest as string | null, floor]
				.filter((v): v is string => Boolean(v))
				.sort()
				.at(-1);
			const candidate: Migration = {
				version: nextVersion(newest),
				name: prepared.name,
				statements: prepared.statements,
			};
			try {
				await tx.exec(prepared.query);
			} catch (error) {
				throw failedMigration(candidate, error);
			}
			await record(tx, candidate);
			if (files) await files.write(candidate, prepared.query);
			migration = candidate;
			return candidate;
		});
	} catch (error) {
		if (migration && files) await files.remove(migration).catch(() => {});
		throw error;
	}
}

/**
 * Replays existing migrations (keeping their versions) in one transaction: used to build branches, merge and
 * rebase. Either every migration lands with its ledger row, or none does.
 */
export async function replayMigrations(db: DatabasePlatform, migrations: Migration[], files?: MigrationFiles): Promise<void> {
	if (migrations.length === 0) return;
	const written: Migration[] = [];
	try {
		await db.transaction(async tx => {
			for (const migration of migrations) {
				try {
					await tx.exec(migrationSql(migration));
				} catch (error) {
					throw failedMigration(migration, error);
				}
				await record(tx, migration);
			}
			if (files) {
				for (const migration of migrations) {
					await files.write(migration, migrationSql(migration));
					written.push(migration);
				}
			}
		});
	} catch (error) {
		await Promise.allSettled(written.map(m => files?.remove(m)));
		throw error;
	}
}
