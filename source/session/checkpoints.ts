/**
 * Checkpoints and rewind for one session. Before an allowed call that changes something runs, what it may change is
 * saved: the database through its server's own checkpoint tool (the embedded database whole; see
 * source/supabase-local/tools/checkpoint-tools.ts), and files here (checkpoint-files.ts). A rewind to checkpoint X
 * restores every saved thing as it was at X: for each database and each file, from the earliest checkpoint at or
 * after X that saved it (nothing changed it between X and that one, or that one would have been earlier).
 *
 * Everything lives under `<workspace>/.pgpair/checkpoints/<id>/`, within a disk budget: past it the oldest
 * checkpoints are dropped, and the log says which and why.
 */
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {lstat, mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {CheckpointRecord, RewindRecord, ToolCallClassification} from '../core/events.js';
import type {ToolCall, ToolResult} from '../core/ports.js';
import type {RewindChoice, RewindFile, RewindOutcome, RewindPlan} from '../core/rewind.js';
import type {CheckpointView} from '../core/session-state.js';
import type {EventStore} from '../store/event-store.js';
import {keepOutOfGit} from '../supabase-local/checkpoints/git-ignored.js';
import {CHECKPOINT_PLAN_TOOL, CHECKPOINT_RESTORE_TOOL, CHECKPOINT_SAVE_TOOL} from '../supabase-local/checkpoints/tool-names.js';
import {parseMcpToolName} from '../tools/mcp-host.js';
import {type FileListing, FileVault, type SavedFile} from './checkpoint-files.js';

/** Two gigabytes, unless PGPAIR_CHECKPOINT_BUDGET_MB says otherwise. */
export const DEFAULT_BUDGET_BYTES = 2 * 1024 * 1024 * 1024;

export function budgetFromEnv(env: NodeJS.ProcessEnv): number {
	const mb = Number(env['PGPAIR_CHECKPOINT_BUDGET_MB']);
	return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_BUDGET_BYTES;
}

/** The tool servers as checkpoints need them. */
export type CheckpointServers = {
	call(server: string, tool: string, input: unknown, signal: AbortSignal): Promise<ToolResult>;
	hasTool(server: string, tool: string): boolean;
	/** The official server of a hosted project: pgpair cannot save its database. */
	isHosted(server: string): boolean;
};

export type CheckpointsOptions = {
	cwd: string;
	store: EventStore;
	servers: CheckpointServers;
	budgetBytes?: number;
	log?: (line: string) => void;
};

export type Checkpoints = {
	before(call: ToolCall & {classification?: ToolCallClassification}, signal: AbortSignal): Promise<CheckpointRecord | undefined>;
	plan(checkpointId: string): Promise<RewindPlan>;
	rewind(checkpointId: string, choice: RewindChoice, by: 'user' | 'headless'): Promise<RewindOutcome>;
	/** Resolves when the last budget check has finished (tests, shutdown). */
	settled(): Promise<void>;
};

/** Where migrations and functions are mirrored: saved with every database checkpoint, so the two go back together. */
const PROJECT_SCOPES = ['supabase/migrations', 'supabase/functions'];

const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

type SavedListing = FileListing & {version: 1};

export function checkpointsRoot(cwd: string): string {
	return path.join(cwd, '.pgpair', 'checkpoints');
}

export function createCheckpoints(options: CheckpointsOptions): Checkpoints {
	const {cwd, store, servers} = options;
	const root = checkpointsRoot(cwd);
	const vault = new FileVault(root, cwd);
	const budget = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
	let budgetCheck: Promise<void> = Promise.resolve();

	const listingOf = async (id: string): Promise<SavedListing | undefined> => {
		try {
			return JSON.parse(await readFile(path.join(root, id, 'files.json'), 'utf8')) as SavedListing;
		} catch {
			return undefined;
		}
	};

	const find = (id: string): {checkpoint: CheckpointView; later: CheckpointView[]} => {
		const list = store.getState().checkpoints;
		const index = list.findIndex(c => c.id === id);
		if (index === -1) throw new Error(`No checkpoint ${id} in this session.`);
		const checkpoint = list[index]!;
		if (checkpoint.dropped || !existsSync(path.join(root, id))) {
			throw new Error(`Checkpoint ${id} can no longer be restored: ${checkpoint.dropped ?? 'its saved data is gone from .pgpair/checkpoints'}.`);
		}
		// Checkpoints dropped since (the budget) saved nothing that is still there; the earliest-wins rule skips them.
		return {checkpoint, later: list.slice(index).filter(c => !c.dropped && existsSync(path.join(root, c.id)))};
	};

	const databaseServer = (later: readonly CheckpointView[]) =>
		later.find(c => c.database?.kind === 'snapshot' || c.database?.kind === 'tables')?.database?.server;

	const callJson = async <T>(server: string, tool: string, input: unknown): Promise<T> => {
		const result = await servers.call(server, tool, input, new AbortController().signal);
		if (result.isError) throw new Error(serverError(result.content));
		return JSON.parse(result.content) as T;
	};

	/** For each file, the earliest saved state at or after the checkpoint; files created since in a complete scope go. */
	const filePlan = async (later: readonly CheckpointView[]): Promise<{files: RewindFile[]; saved: Map<string, SavedFile>; skipped: string[]}> => {
		const saved = new Map<string, SavedFile>();
		const scopes = new Set<string>();
		const skipped: string[] = [];
		for (const c of later) {
			const listing = await listingOf(c.id);
			if (!listing) continue;
			for (const file of listing.files) if (!saved.has(file.path)) saved.set(file.path, file);
			for (const scope of listing.scopes) {
				// A scope first listed here: its files not listed did not exist then (unless an earlier call named them).
				if (scopes.has(scope)) continue;
				scopes.add(scope);
				const listed = new Set(listing.files.map(f => f.path));
				for (const now of await vault.filesUnder(scope)) if (!listed.has(now) && !saved.has(now)) saved.set(now, {path: now, blob: null});
			}
			skipped.push(...listing.skipped);
		}
		const files: RewindFile[] = [];
		for (const file of saved.values()) {
			const now = await vault.current(file.path);
			const action = now === file.blob ? 'unchanged' : file.blob === null ? 'remove' : 'restore';
			files.push({path: file.path, action});
		}
		files.sort((a, b) => Number(a.action === 'unchanged') - Number(b.action === 'unchanged') || a.path.localeCompare(b.path));
		return {files, saved, skipped};
	};

	const enforceBudget = async (keep: string): Promise<void> => {
		const used = await diskUsage(root);
		if (used <= budget) return;
		const dropped: string[] = [];
		let left = used;
		// Oldest first, one at a time: what dropping one frees depends on what the others share with it (blobs, linked
		// database files), so the usage is measured again after each.
		for (const {id} of await checkpointDirs(root)) {
			if (left <= budget || id === keep) break;
			await rm(path.join(root, id), {recursive: true, force: true});
			dropped.push(id);
			const referenced = new Set<string>();
			for (const other of await checkpointDirs(root)) for (const file of (await listingOf(other.id))?.files ?? []) if (file.blob) referenced.add(file.blob);
			await vault.collect(referenced);
			left = await diskUsage(root);
		}
		if (dropped.length === 0) return;
		const after = left;
		const mine = new Map(store.getState().checkpoints.map(c => [c.id, c]));
		const names = dropped.map(id => (mine.has(id) ? `${id} (${mine.get(id)!.label})` : `${id} (another session)`));
		store.append({
			type: 'checkpoints_dropped',
			ids: dropped,
			reason: `Dropped ${dropped.length === 1 ? 'checkpoint' : `${dropped.length} checkpoints`} ${names.join(', ')}: .pgpair/checkpoints held ${mb(used)} of its ${mb(budget)} budget (now ${mb(after)}). Set PGPAIR_CHECKPOINT_BUDGET_MB to keep more.`,
		});
	};

	const save = async (id: string, call: ToolCall & {classification?: ToolCallClassification}, signal: AbortSignal): Promise<CheckpointRecord | undefined> => {
		const input = (call.input ?? {}) as Record<string, unknown>;
		const mcp = parseMcpToolName(call.name);
		let database: CheckpointRecord['database'];
		let bytes = 0;
		let paths: string[] = [];
		let scopes: string[] = [];
		let complete = true;
		if (mcp) {
			if (servers.hasTool(mcp.server, CHECKPOINT_SAVE_TOOL)) {
				const projectId = typeof input['project_id'] === 'string' ? {project_id: input['project_id']} : {};
				// On a Postgres server the SQL is previewed to find the tables it changes (the embedded database is saved whole).
				const sql = typeof input['query'] === 'string' ? {query: input['query'], mode: mcp.tool === 'apply_migration' ? 'migration' : 'sql'} : {};
				const result = await servers.call(mcp.server, CHECKPOINT_SAVE_TOOL, {checkpoint_id: id, ...projectId, ...sql}, signal);
				if (result.isError) throw new Error(`the database could not be saved: ${serverError(result.content)}`);
				const saved = JSON.parse(result.content) as {kind: 'snapshot' | 'tables' | 'none'; ref: string; bytes: number; tables?: string[]; note?: string};
				database = {
					server: mcp.server,
					ref: saved.ref,
					kind: saved.kind,
					...(saved.tables ? {tables: saved.tables} : {}),
					...(saved.note ? {note: saved.note} : {}),
				};
				bytes += saved.bytes;
				scopes = PROJECT_SCOPES;
			} else if (servers.isHosted(mcp.server)) {
				database = {
					server: mcp.server,
					kind: 'none',
					note: 'a hosted project: pgpair cannot save its database, so a rewind cannot undo what this call does there (use its backups)',
				};
			} else {
				// Another server's tool: what it changes is its own business, and nothing pgpair can save.
				return undefined;
			}
		} else if (FILE_TOOLS.has(call.name)) {
			const file = input['file_path'] ?? input['notebook_path'] ?? input['path'];
			if (typeof file === 'string') paths = [file];
		} else if (call.name === 'Bash') {
			scopes = ['.'];
			complete = false;
		} else {
			return undefined;
		}
		const {listing, bytes: fileBytes} = await vault.save(paths, scopes, {complete});
		bytes += fileBytes;
		await mkdir(path.join(root, id), {recursive: true, mode: 0o700});
		await keepOutOfGit(path.dirname(root));
		const saved: SavedListing = {version: 1, ...listing};
		await writeFile(path.join(root, id, 'files.json'), JSON.stringify(saved));
		const turnSeq = store.getState().turnMarks.at(-1)?.seq;
		// Bash's listing of the whole workspace is a safety net, not news: only the files named are listed.
		const files =
			call.name === 'Bash' || scopes === PROJECT_SCOPES ? listing.files.filter(f => paths.includes(f.path)).map(f => f.path) : listing.files.map(f => f.path);
		const record: CheckpointRecord = {
			id,
			callId: call.callId,
			tool: call.name,
			label: labelOf(committedInput(store, call.callId) ?? {}),
			...(turnSeq === undefined ? {} : {turnSeq}),
			...(database ? {database} : {}),
			files: call.name === 'Bash' ? [] : files,
			bytes,
		};
		return record;
	};

	return {
		async before(call, signal) {
			const id = `cp-${randomBytes(4).toString('hex')}`;
			let record: CheckpointRecord | undefined;
			try {
				record = await save(id, call, signal);
			} catch (error) {
				// Half a checkpoint (the database saved, the files not) is no checkpoint: its data goes too.
				await rm(path.join(root, id), {recursive: true, force: true}).catch(() => undefined);
				throw error;
			}
			if (!record) return undefined;
			budgetCheck = budgetCheck.then(
				() => enforceBudget(id),
				() => enforceBudget(id),
			);
			budgetCheck.catch(error => options.log?.(`[checkpoints] budget: ${(error as Error).message}`));
			return record;
		},

		async plan(checkpointId) {
			const {checkpoint, later} = find(checkpointId);
			const server = databaseServer(later);
			let database: RewindPlan['database'] = {available: false, reason: 'no call since this checkpoint changed a database pgpair can save', tables: []};
			const notes: string[] = [];
			if (server) {
				const ids = later.filter(c => c.database?.server === server && c.database.kind !== 'none').map(c => c.id);
				const plan = await callJson<{available: boolean; reason?: string; tables: RewindPlan['database']['tables']; notes: string[]}>(
					server,
					CHECKPOINT_PLAN_TOOL,
					{checkpoint_ids: ids},
				);
				database = {available: plan.available, ...(plan.reason ? {reason: plan.reason} : {}), tables: plan.tables};
				notes.push(...plan.notes);
			}
			for (const note of new Set(later.flatMap(c => (c.database?.kind === 'none' && c.database.note ? [c.database.note] : []))))
				notes.push(`Not restorable: ${note}.`);
			const {files, skipped} = await filePlan(later);
			for (const line of new Set(skipped)) notes.push(`Not saved: ${line}.`);
			if (later.some(c => c.tool === 'Bash')) notes.push('Files a Bash command created are left in place; what it changed or deleted comes back.');
			if (server) notes.push('Effects outside the database and the workspace (HTTP calls, e-mails, other services) cannot be undone.');
			const mark = checkpoint.turnSeq === undefined ? undefined : store.getState().turnMarks.find(m => m.seq === checkpoint.turnSeq);
			const prompt = mark ? promptOf(store, mark.seq) : undefined;
			return {
				checkpoint,
				database,
				// What a rewind would change: a saved file that is as it was is not news.
				files: files.filter(f => f.action !== 'unchanged'),
				conversation: mark ? {available: true, ...(prompt === undefined ? {} : {prompt})} : {available: false},
				notes,
			};
		},

		async rewind(checkpointId, choice, by) {
			const started = Date.now();
			const {later} = find(checkpointId);
			const report: string[] = [];
			let database = false;
			const server = databaseServer(later);
			if (choice.database && server) {
				const ids = later.filter(c => c.database?.server === server && c.database.kind !== 'none').map(c => c.id);
				const restored = await callJson<{report: string[]}>(server, CHECKPOINT_RESTORE_TOOL, {checkpoint_ids: ids});
				report.push(...restored.report);
				database = restored.report.length > 0;
			}
			const files: string[] = [];
			if (choice.files) {
				const {files: planned, saved} = await filePlan(later);
				const refused: string[] = [];
				for (const file of planned) {
					if (file.action === 'unchanged') continue;
					try {
						await vault.restore(saved.get(file.path)!);
						files.push(file.path);
					} catch (error) {
						refused.push((error as Error).message);
					}
				}
				if (files.length > 0) report.push(`${files.length === 1 ? '1 file' : `${files.length} files`} restored: ${files.join(', ')}.`);
				for (const line of refused) report.push(`${line}.`);
			}
			const {checkpoint} = find(checkpointId);
			const conversation = choice.conversation && checkpoint.turnSeq !== undefined && store.getState().turnMarks.some(m => m.seq === checkpoint.turnSeq);
			const prompt = conversation ? promptOf(store, checkpoint.turnSeq!) : undefined;
			if (conversation) report.push('The conversation is back to before that turn.');
			else if (choice.conversation)
				report.push('The conversation stays as it is: that turn is no longer in it (cleared with /clear, or taken back by a rewind since).');
			if (report.length === 0) report.push('Nothing differed from the checkpoint: nothing was changed.');
			const record: RewindRecord = {checkpointId, database, files, conversation, report};
			store.append({type: 'rewound', by, durationMs: Date.now() - started, ...record});
			return {...record, ...(prompt === undefined ? {} : {prompt})};
		},

		settled: () => budgetCheck.catch(() => undefined),
	};
}

/**
 * The call's input as the log holds it: redacted when it was committed. A label cut from the raw SQL could keep half
 * of a secret, which no rule would then recognise.
 */
function committedInput(store: EventStore, callId: string): Record<string, unknown> | undefined {
	const call = store.getState().openCalls.find(c => c.callId === callId);
	const input = call?.editedInput ?? call?.input;
	return input && typeof input === 'object' ? (input as Record<string, unknown>) : undefined;
}

function promptOf(store: EventStore, seq: number): string | undefined {
	const entry = store.getState().entries.find(e => e.id === `e${seq}`);
	return entry?.kind === 'user' ? entry.text : undefined;
}

/** A few words of the call: the SQL's start, a file path, a command. */
export function labelOf(input: Record<string, unknown>): string {
	const text =
		(typeof input['query'] === 'string' && input['query']) ||
		(typeof input['file_path'] === 'string' && input['file_path']) ||
		(typeof input['command'] === 'string' && input['command']) ||
		(typeof input['name'] === 'string' && input['name']) ||
		JSON.stringify(input);
	const words = text.replace(/\s+/g, ' ').trim();
	const name = typeof input['name'] === 'string' && typeof input['query'] === 'string' ? `${input['name']}: ` : '';
	const label = `${name}${words}`;
	return label.length > 80 ? `${label.slice(0, 79)}…` : label;
}

function serverError(content: string): string {
	try {
		const parsed = JSON.parse(content) as {error?: {message?: string}};
		return parsed.error?.message ?? content;
	} catch {
		return content;
	}
}

function mb(bytes: number): string {
	return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** Disk used under `dir`, each file once however many hard links share it. */
export async function diskUsage(dir: string): Promise<number> {
	const seen = new Set<string>();
	let total = 0;
	const walk = async (current: string): Promise<void> => {
		let entries: import('node:fs').Dirent[];
		try {
			entries = await readdir(current, {withFileTypes: true});
		} catch {
			return;
		}
		for (const entry of entries) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) await walk(full);
			else if (entry.isFile()) {
				const info = await lstat(full, {bigint: true});
				const key = `${info.dev}:${info.ino}`;
				if (seen.has(key)) continue;
				seen.add(key);
				total += Number(info.size);
			}
		}
	};
	await walk(dir);
	return total;
}

/** The checkpoints under `root`, oldest first (by when their listing was written). */
async function checkpointDirs(root: string): Promise<{id: string; at: number}[]> {
	let names: string[];
	try {
		names = await readdir(root);
	} catch {
		return [];
	}
	const out: {id: string; at: number}[] = [];
	for (const id of names) {
		if (!id.startsWith('cp-')) continue;
		const at = await lstat(path.join(root, id, 'files.json')).then(
			s => s.mtimeMs,
			() => 0,
		);
		out.push({id, at});
	}
	return out.sort((a, b) => a.at - b.at);
}
