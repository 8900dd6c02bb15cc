import {Box, Text} from 'ink';
import React, {Fragment, useEffect, useMemo, useState} from 'react';
import stringWidth from 'string-width';
import {CONFIRM_WORD, grantable} from '../core/classification.js';
import type {ToolCallView} from '../core/session-state.js';
import type {UserDecision} from '../store/runner.js';
import {DiffView, previewBodyRows, previewMaxScroll, SCROLL_HINT, scrolled} from './diff-view.js';
import {expandTabs} from './format.js';
import {type Action, type Context, keyOf} from './keys/bindings.js';
import {type Editing, type LiveFocus, liveContexts} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {SqlLine} from './sql-highlight.js';
import {TextField} from './text-field.js';
import {THEME} from './theme.js';
import {wrapRows} from './wrap.js';

export type ApprovalPaneProps = {
	/** Waiting calls, oldest first; the first one is the one being decided. */
	queue: readonly ToolCallView[];
	width: number;
	/** Rows the pane may use in all; the keys line always stays visible. */
	maxRows: number;
	onDecision: (callId: string, decision: UserDecision) => void;
	/** The person saved an edit: recompute the preview for it (the pane waits for it before allowing). */
	onPreviewEdit?: (callId: string, input: unknown) => void;
	/** The app's focus; the pane owns its `editing` fact and reports it through `onEditingChange`. Without it the pane owns no keys. */
	focus?: LiveFocus;
	/** Lets the app know which text field of the pane has the keyboard (feedback, confirmation, edit), so its keys stay quiet. */
	onEditingChange?: (editing: Editing) => void;
	/**
	 * Replay: the decision that was taken, shown in place of the keys. The pane then asks nothing
	 * and owns no keys. Live sessions leave it unset.
	 */
	taken?: {decision: 'allow' | 'deny' | 'undecided'; text: string};
};

const CLASS_COLOR = {'read-only': THEME.readOnly, write: THEME.write, destructive: THEME.destructive} as const;

type PaneMode = {kind: 'keys'} | {kind: 'feedback'} | {kind: 'edit'; error?: string} | {kind: 'confirm'; error?: string};

const PANE_CONTEXTS = ['approval', 'scroll'] as const;
const NO_CONTEXTS: readonly Context[] = [];

/** The pending tool call and the keys that decide it. Owns the keyboard while it is shown. */
export const ApprovalPane = React.memo(function ApprovalPane(props: ApprovalPaneProps) {
	const call = props.queue[0];
	// Keyed by the call: the next call starts with fresh state (keys, top of the body, no edit).
	return call ? <CallPane key={call.callId} call={call} {...props} /> : null;
});

function CallPane({call, queue, width, maxRows, onDecision, onPreviewEdit, focus, onEditingChange, taken}: ApprovalPaneProps & {call: ToolCallView}) {
	const [mode, setMode] = useState<PaneMode>({kind: 'keys'});
	const [scroll, setScroll] = useState(0);
	// The edited input waiting for its own preview; what runs is exactly what the preview shows.
	const [edited, setEdited] = useState<{input: unknown} | undefined>(undefined);
	const [showSql, setShowSql] = useState(false);
	const editing: Editing = mode.kind === 'keys' ? 'none' : mode.kind === 'edit' ? 'editor' : 'line';
	useEffect(() => {
		onEditingChange?.(editing);
		// A pane that goes (the call was decided or the turn cancelled) leaves no field behind.
		return () => onEditingChange?.('none');
	}, [editing, onEditingChange]);
	// The pane's own `editing` is current in this render; the app's copy catches up after it.
	const contexts = focus && !taken ? liveContexts({...focus, editing}) : NO_CONTEXTS;

	const violations = call.classification?.violations ?? [];
	const destructive = call.classification?.class === 'destructive';
	// The gate's own rule: the key is offered exactly when the gate would grant (an edit runs once, as edited).
	const offersGrant = grantable(call.classification) && !edited;
	const input = edited ? edited.input : call.input;
	const body = editableText(input);
	// Wrapped, never cut: what is approved is read to its end (a long WHERE clause past the pane's edge is the part
	// that matters). Rows are the pane's inner width; the scroll counts rows.
	const lines = wrappedLines(body.text, Math.max(10, width - 4));
	const preview = call.preview;
	const previewIsCurrent = preview !== undefined && (edited ? sameJson(preview.input, edited.input) : preview.input === undefined);
	// The person decides on what they saw: no key allows a call before its preview is on screen.
	const waitingForPreview = (edited !== undefined && !previewIsCurrent) || call.previewPending === true;
	const blocked = previewIsCurrent && preview?.error !== undefined;
	// A preview that could not be made says so in one line; the SQL itself is then the thing to read.
	const previewHasContent = preview !== undefined && (preview.kind !== 'unavailable' || preview.error !== undefined);
	const showPreview = previewIsCurrent && previewHasContent && !showSql;
	// One list of hazards, the call's verdict (its syntax and its measured effect together): inside the preview when
	// the preview is shown, on one line above the SQL otherwise.
	const hazards = call.classification?.hazards ?? [];
	const shownPreview = useMemo(() => (showPreview && preview ? {...preview, hazards} : undefined), [showPreview, preview, hazards]);
	// What decides the approval is read whole: the hazards and the banner's rules wrap, never cut at the edge. The
	// reason (how the class was found) stays on the title row: it explains, and the diff needs the rows more.
	const inner = Math.max(10, width - 4);
	const hazardRows = hazards.length && !showPreview ? wrappedLines(`⚠ ${hazards.join(' · ')}`, inner) : [];
	const violationRows = violations.map(violation => wrappedLines(`✖ ${violation}`, inner));
	const keyRows = keyHintRows(approvalKeyHints({grant: offersGrant, forbidden: violations.length > 0, blocked, waiting: waitingForPreview}), inner);
	// Title, reason, hazards, banner, keys and borders take the rest; the body never pushes the keys away.
	// Borders, title and the body's footer (its scroll line) are four rows.
	const chrome =
		4 +
		hazardRows.length +
		(violations.length > 0 ? violationRows.flat().length + 1 : 0) +
		(previewIsCurrent ? 1 : 0) +
		(mode.kind === 'keys' && !taken ? keyRows.length : 1);
	const bodyRows = Math.max(2, maxRows - chrome);
	const maxScroll = shownPreview ? previewMaxScroll(shownPreview, bodyRows, inner) : Math.max(0, lines.length - bodyRows);
	const page = shownPreview ? Math.max(1, previewBodyRows(shownPreview, bodyRows, inner)) : bodyRows;

	useKeys(
		contexts,
		PANE_CONTEXTS,
		{
			onAction: action => {
				switch (action) {
					case 'scrollDown':
					case 'scrollUp':
					case 'pageDown':
					case 'pageUp':
						setScroll(s => scrolled(action, s, maxScroll, page));
						break;
					case 'toggleSql':
						if (!previewIsCurrent) break;
						setShowSql(v => !v);
						setScroll(0);
						break;
					case 'approveOnce':
						// A failed dry run cannot be approved as is, and an edit runs only once its own preview is shown.
						if (blocked || waitingForPreview) break;
						if (violations.length > 0) setMode({kind: 'confirm'});
						else onDecision(call.callId, {decision: 'allow', ...(edited ? {editedInput: edited.input} : {})});
						break;
					case 'approveForSession':
						if (offersGrant && !blocked && !waitingForPreview) onDecision(call.callId, {decision: 'allow', forSession: true});
						break;
					case 'deny':
						onDecision(call.callId, {decision: 'deny'});
						break;
					case 'denyWithFeedback':
						setMode({kind: 'feedback'});
						break;
					case 'editCall':
						setMode({kind: 'edit'});
						break;
					default: {
						const unhandled: never = action;
						return unhandled;
					}
				}
			},
		},
		mode.kind === 'keys',
	);
	// A field's own kind of `editing`: it mounts with the contexts it takes.
	const fieldContexts = focus ? liveContexts({...focus, editing: mode.kind === 'edit' ? 'editor' : 'line'}) : NO_CONTEXTS;

	const cls = call.classification?.class;
	const border = destructive || violations.length > 0 ? THEME.destructive : THEME.warn;
	const visible = lines.slice(scroll, scroll + bodyRows);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={border} paddingX={1} width={width}>
			<Text wrap="truncate-end">
				<Text bold>{queue.length > 1 ? `Tool call 1 of ${queue.length}: ` : 'Tool call: '}</Text>
				<Text color={THEME.tool} bold>
					{call.name}
				</Text>
				{cls ? (
					<Text color={CLASS_COLOR[cls]} bold>
						{' '}
						{cls.toUpperCase()}
					</Text>
				) : null}
				{call.classification?.reason ? <Text color={THEME.dim}> · {call.classification.reason}</Text> : null}
			</Text>
			{hazardRows.map((row, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: rows of one wrapped text; the position is the identity.
				<Text key={`h${index}`} color={THEME.destructive}>
					{row}
				</Text>
			))}
			{violations.length > 0 ? (
				<Box flexDirection="column">
					<Text backgroundColor="red" color="white" bold>
						{' '}
						FORBIDDEN BY THE AGENT'S RULES{' '}
					</Text>
					{violationRows.flatMap((rows, v) =>
						rows.map((row, index) => (
							// biome-ignore lint/suspicious/noArrayIndexKey: rows of the banner's wrapped rules; the position is the identity.
							<Text key={`v${v}-${index}`} color={THEME.destructive}>
								{row}
							</Text>
						)),
					)}
				</Box>
			) : null}
			{mode.kind === 'edit' ? (
				<TextField
					label={body.sql ? 'Edit the SQL (what you save is what runs)' : 'Edit the arguments (JSON)'}
					initial={body.text}
					multiline
					contexts={fieldContexts}
					hint={`${keyOf('save')} save${onPreviewEdit ? ' and preview' : ''} the edited call · ${keyOf('back')} back`}
					maxRows={bodyRows}
					{...(mode.error ? {error: mode.error} : {})}
					onCancel={() => setMode({kind: 'keys'})}
					onSubmit={text => {
						const result = applyEdit(input, text, body.sql);
						if ('error' in result) {
							setMode({kind: 'edit', error: result.error});
							return;
						}

						setMode({kind: 'keys'});
						setScroll(0);
						// An edit is always previewed before it can be allowed (the runner refuses an allow of an unseen edit).
						if (onPreviewEdit) {
							setEdited({input: result.input});
							onPreviewEdit(call.callId, result.input);
						} else {
							onDecision(call.callId, {decision: 'allow', editedInput: result.input});
						}
					}}
				/>
			) : showPreview ? (
				<Box flexDirection="column">
					<Text color={THEME.dim} wrap="truncate-end">
						{edited ? 'Preview of your edited call' : 'Preview'} (measured where it cannot act) · {keyOf('toggleSql')} show the SQL
					</Text>
					<DiffView preview={shownPreview!} maxRows={bodyRows} scroll={scroll} width={inner} />
				</Box>
			) : (
				<Box flexDirection="column" marginY={0}>
					{previewIsCurrent && previewHasContent ? (
						<Text color={THEME.dim}>
							{edited ? 'Your edited call' : 'The call'} · {keyOf('toggleSql')} show the preview
						</Text>
					) : null}
					{previewIsCurrent && !previewHasContent ? (
						<Text color={THEME.dim} wrap="truncate-end">
							{preview!.summary}
						</Text>
					) : null}
					{waitingForPreview ? (
						<Text color={THEME.accent}>
							{edited ? 'Recomputing the preview for your edit…' : 'Computing the preview (in a sandbox, nothing reaches your database)…'}
						</Text>
					) : null}
					{visible.map((line, index) =>
						body.sql ? (
							// biome-ignore lint/suspicious/noArrayIndexKey: the line's number in the text is its identity, whatever the scroll.
							<SqlLine key={scroll + index} line={line} />
						) : (
							// biome-ignore lint/suspicious/noArrayIndexKey: the line's number in the text is its identity, whatever the scroll.
							<Text key={scroll + index} wrap="truncate-end">
								{line || ' '}
							</Text>
						),
					)}
					{maxScroll > 0 ? (
						<Text color={THEME.dim}>
							lines {scroll + 1}–{scroll + visible.length} of {lines.length} · {SCROLL_HINT}
						</Text>
					) : null}
				</Box>
			)}
			{mode.kind === 'feedback' ? (
				<TextField
					label="Why not? (the model reads this)"
					contexts={fieldContexts}
					hint={`${keyOf('submit')} deny with this feedback · ${keyOf('back')} back`}
					onCancel={() => setMode({kind: 'keys'})}
					onSubmit={text => onDecision(call.callId, {decision: 'deny', ...(text.trim() ? {feedback: text.trim()} : {})})}
				/>
			) : null}
			{mode.kind === 'confirm' ? (
				<TextField
					label={`Type "${CONFIRM_WORD}" to run it anyway`}
					contexts={fieldContexts}
					hint={`${keyOf('submit')} confirm · ${keyOf('back')} back`}
					{...(mode.error ? {error: mode.error} : {})}
					onCancel={() => setMode({kind: 'keys'})}
					onSubmit={text => {
						if (text.trim() === CONFIRM_WORD)
							onDecision(call.callId, {decision: 'allow', confirmation: CONFIRM_WORD, ...(edited ? {editedInput: edited.input} : {})});
						else setMode({kind: 'confirm', error: `That was not "${CONFIRM_WORD}"; nothing ran.`});
					}}
				/>
			) : null}
			{taken ? (
				<Text color={taken.decision === 'allow' ? THEME.ok : THEME.error} bold wrap="truncate-end">
					{taken.decision === 'allow' ? '✓ ' : taken.decision === 'deny' ? '⊘ ' : '? '}
					{taken.text}
				</Text>
			) : mode.kind === 'keys' ? (
				<ApprovalKeys rows={keyRows} />
			) : null}
		</Box>
	);
}

type KeyHint = {action: Action; label: string; color: string} | {note: string; color: string};

/** The keys line, its keys from the bindings table: only what can be pressed now is offered. */
function approvalKeyHints({grant, forbidden, blocked, waiting}: {grant: boolean; forbidden: boolean; blocked: boolean; waiting: boolean}): KeyHint[] {
	const stuck = blocked || waiting;
	return [
		...(stuck ? [{note: blocked ? 'The dry run failed: it cannot be approved as is.' : 'Waiting for the preview…', color: THEME.error}] : []),
		...(stuck ? [] : [{action: 'approveOnce' as const, label: forbidden ? 'confirm…' : 'allow once', color: THEME.ok}]),
		...(stuck || !grant ? [] : [{action: 'approveForSession' as const, label: 'allow for session', color: THEME.ok}]),
		...(stuck ? [{action: 'editCall' as const, label: 'edit', color: THEME.accent}] : []),
		{action: 'deny', label: 'deny', color: THEME.error},
		{action: 'denyWithFeedback', label: 'deny with feedback', color: THEME.error},
		...(stuck ? [] : [{action: 'editCall' as const, label: 'edit', color: THEME.accent}]),
		{action: 'cancelTurn', label: 'cancel turn', color: THEME.dim},
	];
}

const hintText = (hint: KeyHint) => ('note' in hint ? hint.note : `${keyOf(hint.action)} ${hint.label}`);

/** Hints packed into rows of `width` columns, a hint never split across two (at 80 columns no key is cut off). */
export function keyHintRows(hints: KeyHint[], width: number): KeyHint[][] {
	const rows: KeyHint[][] = [];
	let used = 0;
	for (const hint of hints) {
		const size = stringWidth(hintText(hint));
		const row = rows.at(-1);
		if (row && used + 2 + size <= width) {
			row.push(hint);
			used += 2 + size;
		} else {
			rows.push([hint]);
			used = size;
		}
	}
	return rows;
}

function ApprovalKeys({rows}: {rows: KeyHint[][]}) {
	return (
		<Box flexDirection="column">
			{rows.map((row, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: rows of one packed line; the position is the identity.
				<Text key={index} wrap="truncate-end">
					{row.map((hint, i) => (
						<Fragment key={'note' in hint ? 'note' : hint.action}>
							{i > 0 ? '  ' : ''}
							{'note' in hint ? (
								<Text color={hint.color}>{hint.note}</Text>
							) : (
								<>
									<Text color={hint.color} bold>
										{keyOf(hint.action)}
									</Text>{' '}
									<Text {...(hint.color === THEME.dim ? {color: THEME.dim} : {})}>{hint.label}</Text>
								</>
							)}
						</Fragment>
					))}
				</Text>
			))}
		</Box>
	);
}

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** SQL tools are edited as SQL; anything else as indented JSON. */
export function editableText(input: unknown): {text: string; sql: boolean} {
	if (input && typeof input === 'object' && !Array.isArray(input)) {
		const record = input as Record<string, unknown>;
		if (typeof record['query'] === 'string') return {text: record['query'], sql: true};
	}

	return {text: JSON.stringify(input, null, 2) ?? String(input), sql: false};
}

export function applyEdit(original: unknown, text: string, sql: boolean): {input: unknown} | {error: string} {
	if (sql) return {input: {...(original as Record<string, unknown>), query: text}};
	try {
		return {input: JSON.parse(text)};
	} catch (error) {
		return {error: `Not valid JSON: ${(error as Error).message}`};
	}
}

/** Kept for callers that show a call's input outside the pane (chat entries, replay). */
export function formatInput(input: unknown): string {
	const {text, sql} = editableText(input);
	if (!sql) return text;
	const rest = Object.fromEntries(Object.entries(input as Record<string, unknown>).filter(([k]) => k !== 'query'));
	return Object.keys(rest).length > 0 ? `${JSON.stringify(rest)}\n${text}` : text;
}

/** The text's lines with tabs expanded, each wrapped into rows of `width` columns (a blank line stays one row). */
export function wrappedLines(text: string, width: number): string[] {
	return text.split('\n').flatMap(line => {
		const expanded = expandTabs(line);
		return expanded === '' ? [''] : wrapRows(expanded, width);
	});
}
