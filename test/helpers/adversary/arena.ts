/**
 * An arena is one workspace and one database for an attack session: PGlite (the workspace's own `.pgpair/db`) or a
 * throwaway database on the test Postgres. The test reaches the database directly, never through pgpair: to plant an
 * attack's preconditions before the session and to read what the session left behind after it (PGlite only while
 * pgpair is not running, since one data directory has one owner).
 */
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {createTestDatabase, testDatabaseUrl} from '../database-url.js';
import {tempWorkspace} from '../paths.js';
import {baseEnv, callId, describeRun, runPgpair, scriptFile} from './run.js';

export type Engine = 'pglite' | 'postgres';

export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

export type Db = {
	query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
	exec(sql: string): Promise<void>;
	close(): Promise<void>;
};

export type Arena = {
	engine: Engine;
	/** The workspace pgpair runs in (its cwd). */
	dir: string;
	/** What pgpair needs to reach this arena's database (DATABASE_URL on Postgres). */
	env: Record<string, string>;
	/** Postgres: the database's name and URL (a superuser's). */
	database?: {name: string; url: string};
	open(): Promise<Db>;
	/** Removes the workspace and drops the database. */
	dispose(): Promise<void>;
};

export const PGLITE_DATA = path.join('.pgpair', 'db', 'main');

async function openPglite(dataDir: string): Promise<Db> {
	const {PGlite} = await import('@electric-sql/pglite');
	const db = await PGlite.create({dataDir});
	return {
		query: async (sql, params) => (await db.query(sql, params)).rows as never[],
		exec: async sql => {
			await db.exec(sql);
		},
		close: async () => {
			if (!db.closed) await db.close();
		},
	};
}

async function openPostgres(url: string): Promise<Db> {
	const client = new pg.Client({connectionString: url, application_name: 'pgpair_adversary'});
	client.on('error', () => undefined);
	await client.connect();
	return {
		query: async (sql, params) => (await client.query(sql, params)).rows as never[],
		exec: async sql => {
			await client.query(sql);
		},
		close: async () => client.end().catch(() => undefined),
	};
}

export async function withDb<T>(arena: Arena, fn: (db: Db) => Promise<T>): Promise<T> {
	const db = await arena.open();
	try {
		return await fn(db);
	} finally {
		await db.close();
	}
}

/** Runs setup SQL as the superuser; a failure names the step, because an attack without its precondition proves nothing. */
export async function plant(arena: Arena, steps: Array<{label: string; sql: string}>): Promise<void> {
	await withDb(arena, async db => {
		for (const step of steps) {
			try {
				await db.exec(step.sql);
			} catch (error) {
				throw new Error(`Setup of ${step.label} failed on ${arena.engine}: ${(error as Error).message}\n${step.sql}`);
			}
		}
	});
}

async function adminQuery(sql: string): Promise<void> {
	const client = new pg.Client({connectionString: testDatabaseUrl()});
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

function databaseUrl(name: string): string {
	const url = new URL(testDatabaseUrl());
	url.pathname = `/${name}`;
	return url.toString();
}

/**
 * A database pgpair has already set up (its shim installed), made once per test file and copied for every arena:
 * a data directory copy on PGlite, `CREATE DATABASE … TEMPLATE` on Postgres.
 */
type Template = {engine: Engine; dir: string; database?: string; drop(): Promise<void>};

const templates = new Map<Engine, Promise<Template>>();

async function bootTemplate(engine: Engine): Promise<Template> {
	const dir = tempWorkspace('pgpair-adv-template-');
	let env = baseEnv(dir);
	let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
	if (engine === 'postgres') {
		database = await createTestDatabase('pgpair_adv_tpl');
		env = {...env, DATABASE_URL: database.url};
	}
	// One read starts the built-in server, which creates (PGlite) or shims (Postgres) the database.
	const script = scriptFile(dir, [[{id: callId('boot'), name: 'mcp__supabase__list_tables', input: {schemas: ['public']}}]]);
	const run = await runPgpair(['-p', 'boot', '--scripted', script, '--output-format', 'stream-json'], {cwd: dir, env, timeoutMs: 120_000});
	const booted = run.events.some(e => e.type === 'tool_call_completed' && e['isError'] === false);
	if (!booted) {
		fs.rmSync(dir, {recursive: true, force: true});
		await database?.drop();
		throw new Error(`pgpair could not boot a ${engine} database for the arenas: ${describeRun(run)}`);
	}
	return {
		engine,
		dir,
		...(database ? {database: database.name} : {}),
		async drop() {
			fs.rmSync(dir, {recursive: true, force: true});
			await database?.drop();
		},
	};
}

export async function disposeTemplates(): Promise<void> {
	const all = [...templates.values()];
	templates.clear();
	await Promise.all(all.map(async t => (await t).drop()));
}

/** A fresh arena: its own workspace, its own copy of a set-up database. */
export async function createArena(engine: Engine): Promise<Arena> {
	let template = templates.get(engine);
	if (!template) {
		template = bootTemplate(engine);
		templates.set(engine, template);
	}
	const base = await template;
	const dir = tempWorkspace(`pgpair-adv-${engine}-`);
	if (engine === 'pglite') {
		fs.cpSync(path.join(base.dir, '.pgpair', 'db'), path.join(dir, '.pgpair', 'db'), {recursive: true});
		const dataDir = path.join(dir, PGLITE_DATA);
		return {
			engine,
			dir,
			env: {},
			open: () => openPglite(dataDir),
			async dispose() {
				fs.rmSync(dir, {recursive: true, force: true});
			},
		};
	}

	const name = `pgpair_adv_${randomBytes(5).toString('hex')}`;
	await adminQuery(`create database "${name}" template "${base.database!}"`);
	const url = databaseUrl(name);
	return {
		engine,
		dir,
		env: {DATABASE_URL: url},
		database: {name, url},
		open: () => openPostgres(url),
		async dispose() {
			fs.rmSync(dir, {recursive: true, force: true});
			await removeMarkers(url, name).catch(() => undefined);
			await adminQuery(`drop database if exists "${name}" with (force)`).catch(() => undefined);
		},
	};
}

/**
 * Marker files that attacks wrote into the shared test cluster's data directory are removed again, best effort
 * (the test runs on the same machine as the server; a remote server keeps them).
 */
async function removeMarkers(url: string, name: string): Promise<void> {
	const db = await openPostgres(url);
	try {
		const [row] = await db.query<{dir: string}>(`select current_setting('data_directory') as dir`);
		const prefix = markerPrefix(name);
		for (const file of fs.readdirSync(row!.dir)) if (file.startsWith(prefix)) fs.rmSync(path.join(row!.dir, file), {force: true});
	} finally {
		await db.close();
	}
}

/**
 * Marker files go to the top of the database server's data directory as `adv_<database>_<tag>`: the database name
 * keeps arenas on the shared Postgres cluster apart (PGlite's database is always `postgres`, in its own directory).
 */
export function markerPrefix(database: string): string {
	return `adv_${database}_`;
}

/** SQL for the full path of a marker file, built only from built-ins (so it does not change how a call is classified). */
export function markerPathSql(tag: string): string {
	return `current_setting('data_directory') || '/adv_' || current_database() || '_${tag}'`;
}
