/**
 * Session events: the one log that the live TUI, the transcript file, replay and resume all read.
 * Events are past-tense facts. They are plain JSON so a transcript line is `JSON.stringify(event)`.
 */

export type Usage = {inputTokens: number; outputTokens: number};

/** A content block of a model message, in the Messages API's shape (kept verbatim for resume). */
export type ContentBlock =
	| {type: 'text'; text: string}
	| {type: 'tool_use'; id: string; name: string; input: unknown}
	| {
			type: 'tool_result';
			tool_use_id: string;
			content: string;
			is_error?: boolean;
	  };

export type ModelMessage = {
	role: 'user' | 'assistant';
	content: string | ContentBlock[];
};

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal';

/** Why a turn ended, from the loop's point of view. */
export type TurnOutcome = 'completed' | 'max_rounds' | 'cancelled' | 'failed';

export type ToolCallClass = 'read-only' | 'write' | 'destructive';

/** How risky a call is, decided before it is shown: the approval pane renders exactly this. */
export type ToolCallClassification = {
	class: ToolCallClass;
	/** Human-readable hazards (data loss, table rewrite, …). */
	hazards: string[];
	/** Forbidden actions from the agent's rules; any of them requires a typed confirmation. */
	violations?: string[];
	/** Why the classifier chose the class, for the pane. */
	reason?: string;
	/** Set when the call writes a control file (.mcp.json, .claude/, .pgpair/, sessions/, .git/): the warning. It always asks. */
	controlFile?: string;
	/** A file tool's path after symbolic links, when it differs from the path as named; rules are matched against both. */
	resolvedPath?: string;
};

export type PermissionMode = 'default' | 'acceptEdits' | 'plan';

/**
 * What a call will do, computed before it is approved: a schema diff from a dry run of a migration,
 * the rows a DML statement would touch, or a file diff. Recorded so replay shows exactly what the
 * person saw when deciding.
 */
/**
 * What a preview established about how risky a call is: measured in the sandbox, or proven in the catalog for a
 * read. The gate acts on the stronger of this and the class read from the call's syntax (`combineClassification`).
 */
export type MeasuredClass = {class: ToolCallClass; hazards: string[]; violations?: string[]; reason: string};

export type CallPreview = {
	kind: 'schema' | 'rows' | 'file' | 'read' | 'unavailable';
	/** One line for the pane's title, e.g. "schema change: 1 table added". */
	summary: string;
	/** Unified diff (schema dump or file), uncoloured; the UI colours it. */
	diff?: string;
	/** DML dry run: rows affected per table, with a few sample rows. */
	rows?: Array<{table: string; operation: string; count: number; sample: Array<Record<string, unknown>>}>;
	/** Labelled hazards found by the dry run (data deleted, table rewrite, exclusive lock, RLS disabled, …). */
	hazards: string[];
	/** The dry run failed: the Postgres error. A call whose preview failed cannot be approved as is. */
	error?: string;
	/** For edited calls: the input this preview was computed for. */
	input?: unknown;
	measured?: MeasuredClass;
};

export type ChecklistItemState = 'open' | 'done';

/** Who ticked an item: pgpair from evidence, the person with a key, or the model through its tool. */
export type ChecklistSource = 'evidence' | 'user' | 'model';

export type DecisionSource = 'user' | 'rule' | 'mode' | 'session' | 'headless' | 'interrupted';

/**
 * How far a person's "allow" reaches: this call only, or every later call of the same tool in this session (a
 * grant). Recorded on the decision, so a resumed session holds exactly the grants that were given.
 */
export type DecisionScope = 'once' | 'session';

/** A tool server as the status line shows it; `database` is what pgpair's own server reports of its database. */
export type ServerView = {
	name: string;
	state: 'idle' | 'starting' | 'ready' | 'failed' | 'stopped';
	tools: number;
	error?: string;
	database?: {state: 'idle' | 'starting' | 'ready' | 'asleep'} | {state: 'failed'; reason: string};
};

/**
 * What pgpair saved before an approved call that changes the database or files, so that a rewind can bring it back.
 * The saved data lives under `.pgpair/checkpoints/<id>/`; this is its record in the log.
 */
export type CheckpointRecord = {
	/** Short and unique in the workspace, e.g. `cp-3f9a1c2b`: what `pgpair rewind <id>` takes. */
	id: string;
	/** The call it precedes, and a few words of it (the SQL's first words, a file path, a command). */
	callId: string;
	tool: string;
	label: string;
	/** The user prompt that began the turn of this call: a conversation rewind goes back to just before it. */
	turnSeq?: number;
	/**
	 * What was saved of the database: a `snapshot` of the whole embedded database, the `tables` the call will change
	 * (a DATABASE_URL or hosted project: found by the sandboxed preview), or `none` with the reason in `note`.
	 */
	database?: {server: string; ref?: string; kind: 'snapshot' | 'tables' | 'none'; tables?: string[]; note?: string};
	/** Workspace-relative paths whose contents (or absence) were saved. */
	files: string[];
	/** Disk used by this checkpoint alone (what it shares with earlier ones is not counted again). */
	bytes: number;
};

/** What a rewind restored, as the log records it. */
export type RewindRecord = {
	checkpointId: string;
	/** The database was restored (the snapshot, or the saved tables). */
	database: boolean;
	/** Workspace-relative paths restored (or removed, for files the calls since had created). */
	files: string[];
	/** The model's conversation went back to before the checkpoint's turn. */
	conversation: boolean;
	/** What was done and what could not be, in plain lines (tables and rows back, writes that cannot be undone). */
	report: string[];
};

export type EventBody =
	| {type: 'user_prompt_submitted'; text: string}
	| {type: 'model_request_started'; round: number; model: string}
	| {type: 'assistant_text_delta'; text: string}
	| {
			type: 'assistant_message_completed';
			content: ContentBlock[];
			stopReason: StopReason | null;
			usage: Usage;
	  }
	| {
			type: 'model_retry_scheduled';
			attempt: number;
			maxAttempts: number;
			delayMs: number;
			reason: string;
	  }
	| {
			type: 'tool_call_requested';
			callId: string;
			name: string;
			input: unknown;
			classification?: ToolCallClassification;
			/** A preview will follow before the call can be decided (the pane waits for it). */
			previewPending?: boolean;
	  }
	| {
			type: 'tool_call_decided';
			callId: string;
			decision: 'allow' | 'deny';
			by: DecisionSource;
			reason?: string;
			feedback?: string;
			/** Set on the person's allows: `session` grants the tool for the rest of the session. */
			scope?: DecisionScope;
			/** Set when the person edited the arguments before allowing. */
			editedInput?: unknown;
	  }
	| {
			type: 'tool_call_previewed';
			callId: string;
			preview: CallPreview;
			/** The class the call is decided on from here: the stronger of its syntax and what the preview measured. */
			classification?: ToolCallClassification;
	  }
	| {type: 'tool_call_started'; callId: string}
	| {
			type: 'tool_call_completed';
			callId: string;
			isError: boolean;
			content: string;
			durationMs: number;
	  }
	| {type: 'turn_completed'; outcome: TurnOutcome; error?: string}
	| {type: 'notice_shown'; level: 'info' | 'warning' | 'error'; text: string}
	/** pgpair's own request to a database (the checklist's look-ups): read-only, unasked, and on the record. */
	| {type: 'internal_call_completed'; purpose: 'checklist'; server: string; tool: string; input: unknown; isError: boolean; durationMs: number}
	| {type: 'permission_mode_changed'; mode: PermissionMode}
	/**
	 * `/clear`: the model's history starts afresh from the next prompt. The session goes on (its mode, grants, checklist
	 * and checkpoints stay); what came before stays in the log for replay and the exports, and a resume sends none of it.
	 */
	| {type: 'conversation_cleared'}
	/** `/model`, or `--model` given again on a resume: the model the following requests go to (an id, aliases resolved). */
	| {type: 'model_changed'; model: string}
	/** Saved before the call `checkpoint.callId` ran (after it was allowed). */
	| {type: 'checkpoint_created'; checkpoint: CheckpointRecord; durationMs: number}
	/** Old checkpoints removed to stay within the disk budget (or by the person); `reason` says which and why. */
	| {type: 'checkpoints_dropped'; ids: string[]; reason: string}
	| ({type: 'rewound'; by: 'user' | 'headless'; durationMs: number} & RewindRecord)
	/** The tool servers' states, whole, each time one changes (not for calls starting and ending); `error`: none could load. */
	| {type: 'servers_changed'; servers: ServerView[]; error?: string}
	| {
			type: 'checklist_item_changed';
			itemId: string;
			text: string;
			state: ChecklistItemState;
			by: ChecklistSource;
			/** Why: the evidence found (or missing), or the note the person or model gave. */
			evidence: string;
	  };

export type EventType = EventBody['type'];

/** An event as stored: a sequence number and a wall-clock time are added by the store. */
export type SessionEvent = EventBody & {seq: number; at: number};

export type EventOf<T extends EventType> = Extract<SessionEvent, {type: T}>;
