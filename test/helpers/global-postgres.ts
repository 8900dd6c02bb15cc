import {execFileSync, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {onRunEnd} from './run-cleanup.js';

/**
 * vitest globalSetup: gives the tests a real Postgres. `TEST_DATABASE_URL` wins; otherwise a throwaway cluster is
 * initialised in a temp directory, listens on 127.0.0.1 at a free port with a generated password, and is stopped
 * and removed in teardown, or when the run is interrupted (run-cleanup.ts). When neither is possible the reason is
 * passed on, and the Postgres tests fail with it.
 */

function findBinaries(): string | undefined {
	const candidates: string[] = [];
	const versioned = '/usr/lib/postgresql';
	if (existsSync(versioned)) {
		for (const version of readdirSync(versioned).sort((a, b) => Number(b) - Number(a))) {
			candidates.push(path.join(versioned, version, 'bin'));
		}
	}
	candidates.push('/usr/local/pgsql/bin', '/usr/local/bin', '/usr/bin');
	for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
	return candidates.find(dir => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** initdb and pg_ctl refuse to run as root; run them as the `postgres` user then. */
function runAsOwner(owner: string | undefined, command: string, args: string[]): void {
	const [file, argv] = owner ? ['runuser', ['-u', owner, '--', command, ...args]] : [command, args];
	const result = spawnSync(file, argv, {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`${path.basename(command)} failed: ${result.stderr || result.stdout || result.error?.message}`);
	}
}

export default async function setup({provide}: {provide: (key: string, value: unknown) => void}) {
	if (process.env['TEST_DATABASE_URL']) {
		provide('testDatabaseUrl', process.env['TEST_DATABASE_URL']);
		if (process.env['TEST_BOOTSTRAP_DATABASE_URL']) provide('testBootstrapDatabaseUrl', process.env['TEST_BOOTSTRAP_DATABASE_URL']);
		return;
	}
	const bin = findBinaries();
	if (!bin) {
		const reason = 'No Postgres for the real-Postgres tests: set TEST_DATABASE_URL, or install the PostgreSQL server (initdb and pg_ctl).';
		process.env['TEST_DATABASE_URL_ERROR'] = reason;
		provide('testDatabaseUrlError', reason);
		return;
	}
	const isRoot = process.getuid?.() === 0;
	const owner = isRoot ? 'postgres' : undefined;
	const root = mkdtempSync(path.join(tmpdir(), 'pgpair-test-pg-'));
	const data = path.join(root, 'data');
	let started = false;
	// Registered before anything starts: an interrupted run (Ctrl+C during the suite or during this setup) stops the
	// cluster and removes it as the teardown would. vitest ends the process on a signal without running teardowns.
	const stop = onRunEnd('postgres cluster', () => {
		try {
			if (started) runAsOwner(owner, path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
		} finally {
			rmSync(root, {recursive: true, force: true});
		}
	});
	const password = randomBytes(12).toString('hex');
	const passwordFile = path.join(root, 'password');
	writeFileSync(passwordFile, `${password}\n`);
	if (owner) {
		const uid = Number(execFileSync('id', ['-u', owner], {encoding: 'utf8'}).trim());
		const gid = Number(execFileSync('id', ['-g', owner], {encoding: 'utf8'}).trim());
		chownSync(root, uid, gid);
		chownSync(passwordFile, uid, gid);
	}
	chmodSync(root, 0o700);
	const port = await freePort();
	runAsOwner(owner, path.join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		'postgres',
		'--auth=scram-sha-256',
		`--pwfile=${passwordFile}`,
		'-E',
		'UTF8',
		'--no-sync',
		'--no-instructions',
	]);
	started = true;
	runAsOwner(owner, path.join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-l',
		path.join(root, 'postgres.log'),
		'-w',
		'-o',
		`-p ${port} -h 127.0.0.1 -k ${root} -c fsync=off -c full_page_writes=off -c max_connections=200`,
		'start',
	]);
	// Most tests connect as an ordinary superuser, as a CI role or a provider's admin role would; the bootstrap
	// superuser (it owns the catalogs) has tests of its own.
	const bootstrapUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
	const client = new pg.Client({connectionString: bootstrapUrl});
	await client.connect();
	try {
		await client.query(`create role pgpair_test login superuser password '${password}'`);
	} finally {
		await client.end();
	}
	const url = `postgresql://pgpair_test:${password}@127.0.0.1:${port}/postgres`;
	process.env['TEST_DATABASE_URL'] = url;
	process.env['TEST_BOOTSTRAP_DATABASE_URL'] = bootstrapUrl;
	provide('testDatabaseUrl', url);
	provide('testBootstrapDatabaseUrl', bootstrapUrl);
	return stop;
}
