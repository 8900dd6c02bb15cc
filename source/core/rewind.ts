/**
 * What a rewind offers and what the person chooses. The session computes a plan from the saved checkpoint and the
 * state now (nothing is changed by planning); the rewind screen shows it whole before a key confirms it.
 */
import type {RewindRecord} from './events.js';
import type {CheckpointView} from './session-state.js';

/**
 * A table as the plan shows it: rows at the checkpoint and now (null: the table does not exist then or now).
 * `estimated`: past 10,000 rows a table is not counted to the end, and the planner's estimate stands in.
 */
export type RewindTable = {name: string; rowsThen: number | null; rowsNow: number | null; estimated?: true};

/** What happens to one file: its saved content comes back, it is removed (a call created it), or it is as saved. */
export type RewindFile = {path: string; action: 'restore' | 'remove' | 'unchanged'};

export type RewindPlan = {
	checkpoint: CheckpointView;
	/** The database part; `available: false` says why it cannot be restored (data dropped, no snapshot, a hosted project). */
	database: {available: boolean; reason?: string; tables: RewindTable[]};
	/** The files a rewind would change (restore or remove); saved files that are as they were are left out. */
	files: RewindFile[];
	/** The conversation can go back to before the checkpoint's turn; `prompt` is that turn's prompt, given back to edit. */
	conversation: {available: boolean; prompt?: string};
	/** What no rewind can undo here, in plain words (other sessions' writes, sequences, external effects, branches). */
	notes: string[];
};

/** Which parts to restore. */
export type RewindChoice = {database: boolean; files: boolean; conversation: boolean};

/** What a rewind did, as recorded, and the prompt to put back in the input when the conversation went back. */
export type RewindOutcome = RewindRecord & {prompt?: string};
