import {randomUUID} from 'node:crypto';
import {type LocalSupabase, mainBranchId, newProjectRef} from './local-project.js';
import {listMigrations, type Migration, replayMigrations} from './migrations.js';
import type {DatabasePlatform} from './platform.js';

export const BRANCH_STATUSES = [
	'CREATING_PROJECT',
	'RUNNING_MIGRATIONS',
	'MIGRATIONS_PASSED',
	'MIGRATIONS_FAILED',
	'FUNCTIONS_DEPLOYED',
	'FUNCTIONS_FAILED',
] as const;
export type BranchStatus = (typeof BRANCH_STATUSES)[number];

export type Branch = {
	id: string;
	name: string;
	project_ref: string;
	parent_project_ref: string;
	is_default: boolean;
	persistent: boolean;
	status: BranchStatus;
	created_at: string;
	updated_at: string;
};

const label = (m: Migration) => `${m.version}_${m.name}`;

/**
 * Branches with Supabase's semantics: a branch is a separate database built by replaying main's migrations (schema,
 * never data); merge moves the branch's new migrations and functions to main; reset rebuilds the branch from its own
 * migrations; rebase brings main's newer migrations onto the branch. Every step that changes a database is one
 * transaction, so a failure leaves that database as it was.
 */
export class BranchService {
	constructor(private readonly local: LocalSupabase) {}

	async list(): Promise<Branch[]> {
		const {main, mainRef} = await this.local.ready();
		const [{rows: project}, {rows}] = await Promise.all([
			main.query('select created_at from pgpair.project'),
			main.query('select id::text as id, name, project_ref, status, created_at, updated_at from pgpair.branches order by created_at, name'),
		]);
		const created = new Date(project[0]?.created_at as string).toISOString();
		const functions = await this.local.ready().then(b => b.functions.list(mainRef));
		return [
			{
				id: mainBranchId(mainRef),
				name: 'main',
				project_ref: mainRef,
				parent_project_ref: mainRef,
				is_default: true,
				persistent: true,
				status: functions.length > 0 ? 'FUNCTIONS_DEPLOYED' : 'MIGRATIONS_PASSED',
				created_at: created,
				updated_at: created,
			},
			...rows.map(row => ({
				id: String(row.id),
				name: String(row.name),
				project_ref: String(row.project_ref),
				parent_project_ref: mainRef,
				is_default: false,
				persistent: false,
				status: row.status as BranchStatus,
				created_at: new Date(row.created_at as string).toISOString(),
				updated_at: new Date(row.updated_at as string).toISOString(),
			})),
		];
	}

	async get(idOrRef: string): Promise<Branch> {
		const branch = (await this.list()).find(b => b.id === idOrRef || b.project_ref === idOrRef);
		if (!branch) throw new Error(`Branch "${idOrRef}" not found; list_branches shows the branches.`);
		return branch;
	}

	private async setStatus(ref: string, status: BranchStatus): Promise<void> {
		const {main} = await this.local.ready();
		await main.query('update pgpair.branches set status = $2, updated_at = now() where project_ref = $1', [ref, status]);
	}

	private async nonDefault(branchId: string): Promise<Branch> {
		const branch = await this.get(branchId);
		if (branch.is_default) throw new Error('This is the main (default) branch; the operation applies to development branches only.');
		return branch;
	}

	private log(ref: string, message: string, fields: Record<string, unknown> = {}): void {
		this.local.logs.record(ref, 'branch-action', message, {workflow_run: fields['workflow_run'] ?? null, ...fields});
	}

	create(name: string): Promise<Branch> {
		return this.local.exclusive(async () => {
			const trimmed = name.trim();
			if (!trimmed) throw new Error('A branch needs a name.');
			if (trimmed === 'main') throw new Error('"main" is the default branch; choose another name.');
			const {main, mainRef, functions} = await this.local.ready();
			const {rows: existing} = await main.query('select 1 from pgpair.branches where name = $1', [trimmed]);
			if (existing.length > 0) throw new Error(`A branch named "${trimmed}" already exists.`);
			const id = randomUUID();
			const ref = newProjectRef();
			const started = performance.now();
			await main.query('insert into pgpair.branches (id, name, project_ref, status) values ($1, $2, $3, $4)', [id, trimmed, ref, 'CREATING_PROJECT']);
			this.log(mainRef, `Creating branch ${trimmed} (${ref})`, {workflow_run: id});
			let db: DatabasePlatform;
			try {
				db = await this.local.host.createBranchDatabase(ref);
			} catch (error) {
				await main.query('delete from pgpair.branches where id = $1', [id]);
				this.log(mainRef, `Creating branch ${trimmed} failed: ${(error as Error).message}`, {workflow_run: id});
				throw error;
			}
			this.local.setBranchDatabase(ref, db);
			await this.setStatus(ref, 'RUNNING_MIGRATIONS');
			const migrations = await listMigrations(main);
			try {
				await replayMigrations(db, migrations);
			} catch (error) {
				await this.setStatus(ref, 'MIGRATIONS_FAILED');
				this.log(mainRef, `Branch ${trimmed}: migrations failed: ${(error as Error).message}`, {workflow_run: id});
				return this.get(id);
			}
			await this.setStatus(ref, 'MIGRATIONS_PASSED');
			const copied = await functions.copyChanged(mainRef, ref).catch(() => undefined);
			if (copied === undefined) await this.setStatus(ref, 'FUNCTIONS_FAILED');
			else if (copied.length > 0) await this.setStatus(ref, 'FUNCTIONS_DEPLOYED');
			const ms = Math.round(performance.now() - started);
			this.log(mainRef, `Created branch ${trimmed} (${ref}): ${migrations.length} migrations applied in ${ms} ms`, {
				workflow_run: id,
			});
			return this.get(id);
		});
	}

	delete(branchId: string): Promise<void> {
		return this.local.exclusive(async () => {
			const branch = await this.nonDefault(branchId);
			const {main, mainRef, functions} = await this.local.ready();
			this.local.setBranchDatabase(branch.project_ref, undefined);
			await this.local.host.dropBranchDatabase(branch.project_ref);
			await functions.deleteProject(branch.project_ref);
			await main.query('delete from pgpair.branches where id = $1', [branch.id]);
			this.log(mainRef, `Deleted branch ${branch.name} (${branch.project_ref})`, {workflow_run: branch.id});
		});
	}

	merge(branchId: string): Promise<{applied: string[]; functions: string[]}> {
		return this.local.exclusive(async () => {
			const branch = await this.nonDefault(branchId);
			const {main, mainRef, files, functions} = await this.local.ready();
			const db = await this.local.branchDatabase(branch.project_ref);
			const [onMain, onBranch] = await Promise.all([listMigrations(main), listMigrations(db)]);
			const branchVersions = new Map(onBranch.map(m => [m.version, m.name]));
			const mainVersions = new Map(onMain.map(m => [m.version, m.name]));
			const diverged = onMain.filter(m => branchVersions.get(m.version) !== m.name);
			if (diverged.length > 0) {
				const message =
					`Merge conflict: main has migrations that branch "${branch.name}" lacks (${diverged.map(label).join(', ')}). ` +
					'Rebase the branch onto main (rebase_branch), check it, then merge again. Main is unchanged.';
				this.log(mainRef, message, {workflow_run: branch.id});
				throw new Error(message);
			}
			const toApply = onBranch.filter(m => !mainVersions.has(m.version));
			try {
				await replayMigrations(main, toApply, files);
			} catch (error) {
				const message = `Merge of branch "${branch.name}" failed, main is unchanged. ${(error as Error).message}`;
				this.log(mainRef, message, {workflow_run: branch.id});
				throw Object.assign(error as Error, {message});
			}
			const copied = await functions.copyChanged(branch.project_ref, mainRef);
			this.log(
				mainRef,
				`Merged branch ${branch.name} into main: ${toApply.length} migrations (${toApply.map(label).join(', ') || 'none'}), ${copied.length} functions`,
				{workflow_run: branch.id},
			);
			return {applied: toApply.map(label), functions: copied};
		});
	}

	reset(branchId: string, migrationVersion?: string): Promise<void> {
		return this.local.exclusive(async () => {
			const branch = await this.nonDefault(branchId);
			const {mainRef} = await this.local.ready();
			const current = await this.local.branchDatabase(branch.project_ref);
			const own = await listMigrations(current);
			if (migrationVersion && !own.some(m => m.version === migrationVersion)) {
				throw new Error(`Branch "${branch.name}" has no migration ${migrationVersion}; its versions are: ${own.map(m => m.version).join(', ') || 'none'}.`);
			}
			const keep = migrationVersion ? own.filter(m => m.version <= migrationVersion) : own;
			this.local.setBranchDatabase(branch.project_ref, undefined);
			await this.local.host.dropBranchDatabase(branch.project_ref);
			await this.setStatus(branch.project_ref, 'CREATING_PROJECT');
			const db = await this.local.host.createBranchDatabase(branch.project_ref);
			this.local.setBranchDatabase(branch.project_ref, db);
			await this.setStatus(branch.project_ref, 'RUNNING_MIGRATIONS');
			try {
				await replayMigrations(db, keep);
			} catch (error) {
				await this.setStatus(branch.project_ref, 'MIGRATIONS_FAILED');
				this.log(mainRef, `Reset of branch ${branch.name} failed: ${(error as Error).message}`, {workflow_run: branch.id});
				throw error;
			}
			await this.setStatus(branch.project_ref, 'MIGRATIONS_PASSED');
			this.log(mainRef, `Reset branch ${branch.name}: ${keep.length} migrations re-run${migrationVersion ? ` (up to ${migrationVersion})` : ''}`, {
				workflow_run: branch.id,
			});
		});
	}

	rebase(branchId: string): Promise<{applied: string[]}> {
		return this.local.exclusive(async () => {
			const branch = await this.nonDefault(branchId);
			const {main, mainRef} = await this.local.ready();
			const db = await this.local.branchDatabase(branch.project_ref);
			const [onMain, onBranch] = await Promise.all([listMigrations(main), listMigrations(db)]);
			const branchVersions = new Map(onBranch.map(m => [m.version, m.name]));
			const clashing = onMain.filter(m => branchVersions.has(m.version) && branchVersions.get(m.version) !== m.name);
			if (clashing.length > 0) {
				throw new Error(
					`Rebase conflict: branch "${branch.name}" has different migrations under main's versions (${clashing.map(label).join(', ')}). Reset the branch first.`,
				);
			}
			const missing = onMain.filter(m => !branchVersions.has(m.version));
			try {
				await replayMigrations(db, missing);
			} catch (error) {
				const message = `Rebase of branch "${branch.name}" failed, the branch is unchanged. ${(error as Error).message}`;
				this.log(mainRef, message, {workflow_run: branch.id});
				throw Object.assign(error as Error, {message});
			}
			await this.setStatus(branch.project_ref, 'MIGRATIONS_PASSED');
			this.log(mainRef, `Rebased branch ${branch.name} onto main: ${missing.length} migrations applied`, {
				workflow_run: branch.id,
			});
			return {applied: missing.map(label)};
		});
	}
}
