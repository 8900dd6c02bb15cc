/**
 * The rewind screen of the live app (`/rewind`, or Esc twice on the empty prompt): the checkpoints, newest first;
 * Enter reads one's plan (what would come back, what cannot), and a key confirms which parts to restore. The session
 * plans and rewinds; this screen only shows and asks. Live app only: the replay never rewinds.
 */
import {Box, Text} from 'ink';
import {type ReactNode, useEffect, useRef} from 'react';
import type {RewindChoice, RewindOutcome, RewindPlan} from '../core/rewind.js';
import type {CheckpointView} from '../core/session-state.js';
import {SCROLL_HINT, scrolled} from './diff-view.js';
import {clockTime, shortToolName} from './format.js';
import {type ActionIn, bindingsIn, keyOf, rowKeys} from './keys/bindings.js';
import {LIVE_IDLE, type LiveFocus, liveContexts, type RewindFocus} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {THEME} from './theme.js';
import {useRefState} from './use-ref-state.js';
import {wrapRows} from './wrap.js';

/** The two session actions the screen calls. */
export type RewindPort = {
	rewindPlan(checkpointId: string): Promise<RewindPlan>;
	rewind(checkpointId: string, choice: RewindChoice): Promise<RewindOutcome>;
};

export type RewindScreenProps = {
	/** The session's checkpoints as the state keeps them (oldest first); listed newest first. */
	checkpoints: readonly CheckpointView[];
	port: RewindPort;
	width: number;
	/** Rows the screen may use in all, borders included. */
	height: number;
	/** The app's focus; the screen adds its own step. */
	focus?: LiveFocus;
	/** The checkpoint selected at first (`/rewind <id>`), when it can be chosen. */
	initialId?: string;
	/** Told whenever the step that decides the keys changes, so the app's focus follows. */
	onStepChange?: (step: RewindFocus) => void;
	onClose: () => void;
	/** The rewind is done (the log has its `rewound` event); the app closes the screen. */
	onRewound: (outcome: RewindOutcome) => void;
	/** Formats `at` for the list; defaults to the local time of day. */
	formatTime?: (at: number) => string;
};

type View =
	| {step: 'list'; selected: number}
	| {step: 'reading'; selected: number; id: string}
	| {step: 'unreadable'; selected: number; id: string; error: string}
	| {step: 'plan'; selected: number; plan: RewindPlan; scroll: number; error?: string}
	| {step: 'rewinding'; selected: number; plan: RewindPlan; scroll: number};

type RestoreAction = Exclude<ActionIn<'rewind-plan'>, 'back'>;
/** A choice the plan allows: its key's action, what the person reads (and, narrow, a shorter form), what the session is asked. */
export type RewindOffer = {action: RestoreAction; label: string; short: string; choice: RewindChoice};
type Line = {text: string; color?: string; bold?: boolean};

const OWNS = ['rewind', 'rewind-plan', 'scroll'] as const;
/** Border (2), title, keys line. */
const CHROME = 4;
const MAX_ERROR_ROWS = 3;
const SEPARATOR = ' · ';
const EMPTY = 'No checkpoints yet: one is saved before each approved change.';
/** Below this many columns inside the box a list row leaves out the time and the tools' column, for the label. */
const NARROW = 56;

function focusOf(view: View): RewindFocus {
	return view.step === 'list' ? 'list' : view.step === 'rewinding' ? 'busy' : 'plan';
}

/**
 * The choices a plan allows, the default first: everything that can come back but the conversation (`d`, Enter),
 * with the conversation (`c`), and files or database alone (`f`, `b`) when both can come back. A part that cannot
 * (no database saved, no file saved, no turn to go back to) is never offered.
 */
export function rewindOffers(plan: RewindPlan): RewindOffer[] {
	const database = plan.database.available;
	const files = plan.files.length > 0;
	const parts = [database ? 'database' : '', files ? 'files' : ''].filter(Boolean).join(' + ');
	const offers: RewindOffer[] = [];
	if (parts) offers.push({action: 'restore', label: parts, short: parts, choice: {database, files, conversation: false}});
	if (plan.conversation.available)
		offers.push({
			action: 'restoreWithConversation',
			label: parts ? `${parts} + conversation` : 'conversation',
			short: parts ? '+ conversation' : 'conversation',
			choice: {database, files, conversation: true},
		});
	if (database && files) {
		offers.push({action: 'restoreFiles', label: 'files only', short: 'files', choice: {database: false, files: true, conversation: false}});
		offers.push({action: 'restoreDatabase', label: 'database only', short: 'database', choice: {database: true, files: false, conversation: false}});
	}

	return offers;
}

/** One line of text cut to `width` columns with `…` (whitespace runs and newlines become one space). */
function oneLine(text: string, width: number): string {
	return clip(flat(text), width);
}

/** Whitespace runs and newlines as one space: SQL, paths and prompts as one line. */
function flat(text: string): string {
	return text.replace(/\s+/g, ' ');
}

/** `text` cut to `width`, its own spacing kept (for aligned columns). */
function clip(text: string, width: number): string {
	const chars = [...text];
	return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Items packed side by side into lines of `width`, never broken; one too long alone is cut. */
function pack(items: readonly string[], width: number): string[] {
	const lines: string[] = [];
	for (const item of items) {
		const last = lines.length - 1;
		if (last >= 0 && lines[last]!.length + SEPARATOR.length + item.length <= width) lines[last] += SEPARATOR + item;
		else lines.push(clip(item, width));
	}

	return lines;
}

/** A paragraph wrapped to `width`, its first row after `bullet` and the rest under it. */
function bulleted(text: string, bullet: string, width: number): string[] {
	const indent = ' '.repeat(bullet.length);
	return wrapRows(text.replace(/\s*\n\s*/g, ' '), Math.max(1, width - bullet.length)).map((row, i) => (i === 0 ? bullet : indent) + row);
}

function rowCount(count: number | null, estimated: boolean | undefined): string {
	if (count === null) return 'no table';
	return estimated && count > 10_000 ? `~${count}` : String(count);
}

function checkpointTitle(checkpoint: CheckpointView, formatTime: (at: number) => string): string {
	return `Rewind to ${checkpoint.id} · ${formatTime(checkpoint.at)} ${shortToolName(checkpoint.tool)} · ${checkpoint.label}`;
}

/** What the plan restores and what it cannot, as lines of `width`. */
export function planLines(plan: RewindPlan, width: number): Line[] {
	const lines: Line[] = [];
	const {database, files, conversation, notes} = plan;
	if (database.available) {
		lines.push({text: clip('Database · rows then → now', width), bold: true});
		if (database.tables.length === 0) lines.push({text: clip('  as saved (no table counts)', width), color: THEME.dim});
		const nameWidth = Math.min(Math.max(0, ...database.tables.map(table => table.name.length)), Math.max(8, Math.floor(width / 2)));
		for (const table of database.tables) {
			const name = oneLine(table.name, nameWidth).padEnd(nameWidth);
			lines.push({text: clip(`  ${name}  ${rowCount(table.rowsThen, table.estimated)} → ${rowCount(table.rowsNow, table.estimated)}`, width)});
		}
	} else lines.push({text: oneLine(`Database: not available: ${database.reason ?? 'nothing was saved'}`, width), color: THEME.warn});

	if (files.length > 0) {
		lines.push({text: 'Files', bold: true});
		for (const file of files)
			lines.push({text: clip(`  ${file.action.padEnd(9)} ${flat(file.path)}`, width), ...(file.action === 'unchanged' ? {color: THEME.dim} : {})});
	} else lines.push({text: oneLine('Files: none differ from the checkpoint', width), color: THEME.dim});

	if (conversation.available) {
		const first = (conversation.prompt ?? '').split('\n').find(line => line.trim() !== '') ?? '';
		lines.push({text: oneLine(`Conversation: back to before: ${first}`, width)});
	} else lines.push({text: oneLine('Conversation: not available', width), color: THEME.dim});

	if (notes.length > 0) {
		lines.push({text: clip('Notes (what a rewind cannot undo, what it keeps)', width), bold: true, color: THEME.warn});
		for (const note of notes) for (const row of bulleted(note, '• ', width)) lines.push({text: row});
	}

	return lines;
}

const RESTORE_ROW = bindingsIn('rewind-plan').find(row => row.action === 'restore')!;
const RESTORE_KEYS = rowKeys(RESTORE_ROW).replace(' ', '/');

/** The choices as lines of `width`: in full where two lines hold them, else in their short forms. */
function offerLines(offers: readonly RewindOffer[], width: number): string[] {
	const items = (short: boolean) => [
		...offers.map(offer => `${offer.action === 'restore' ? RESTORE_KEYS : keyOf(offer.action, 'rewind-plan')} ${short ? offer.short : offer.label}`),
		`${keyOf('back', 'rewind-plan')} back`,
	];
	const full = pack(items(false), width);
	return full.length <= 2 ? full : pack(items(true), width);
}

/**
 * Lists the checkpoints, reads the chosen one's plan and rewinds with the parts a key chose. Owns the keyboard
 * while open; while a rewind runs no key acts (but quit), and a failed one stays on screen with its error.
 */
export function RewindScreen({
	checkpoints,
	port,
	width,
	height,
	focus = LIVE_IDLE,
	initialId,
	onStepChange,
	onClose,
	onRewound,
	formatTime = clockTime,
}: RewindScreenProps) {
	const newestFirst = [...checkpoints].reverse();
	const selectable = (index: number) => index >= 0 && index < newestFirst.length && newestFirst[index]!.dropped === undefined;
	const [view, setView, viewRef] = useRefState<View>({step: 'list', selected: firstSelected()});
	// Answers of a plan the person went back from are dropped; answers after the screen closed too.
	const request = useRef(0);
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);

	function firstSelected(): number {
		const wanted = newestFirst.findIndex(c => c.id === initialId && c.dropped === undefined);
		return wanted >= 0 ? wanted : newestFirst.findIndex(c => c.dropped === undefined);
	}

	const step = focusOf(view);
	useEffect(() => {
		onStepChange?.(step);
	}, [step, onStepChange]);

	const inner = Math.max(1, width - 4);
	const offers = view.step === 'plan' || view.step === 'rewinding' ? rewindOffers(view.plan) : [];
	const body = view.step === 'plan' || view.step === 'rewinding' ? planLines(view.plan, inner) : [];
	const footer: Line[] =
		view.step === 'plan'
			? [
					...(view.error ? bulleted(`Rewind failed: ${view.error}`, '', inner).slice(0, MAX_ERROR_ROWS) : []).map(text => ({text, color: THEME.error})),
					...(offers.length === 0 ? [{text: oneLine('Nothing of this checkpoint can be restored.', inner), color: THEME.warn}] : []),
					...offerLines(offers, inner).map(text => ({text, color: THEME.accent})),
				]
			: view.step === 'rewinding'
				? [{text: oneLine('Rewinding… (the keys wait until it is done)', inner), color: THEME.warn}]
				: [];
	const room = Math.max(1, height - 3 - footer.length);
	const overflow = body.length > room;
	const bodyRows = overflow ? Math.max(1, room - 1) : room;
	const maxScroll = Math.max(0, body.length - bodyRows);

	// The next checkpoint that can be chosen that way; a dropped one is passed over.
	const move = (from: number, direction: 1 | -1) => {
		for (let index = from + direction; index >= 0 && index < newestFirst.length; index += direction) if (selectable(index)) return index;
		return from;
	};

	const read = (selected: number) => {
		const checkpoint = newestFirst[selected]!;
		const ticket = ++request.current;
		const current = () => mounted.current && request.current === ticket;
		setView({step: 'reading', selected, id: checkpoint.id});
		port.rewindPlan(checkpoint.id).then(
			plan => {
				if (current()) setView({step: 'plan', selected, plan, scroll: 0});
			},
			(error: unknown) => {
				if (current()) setView({step: 'unreadable', selected, id: checkpoint.id, error: errorText(error)});
			},
		);
	};

	const run = (plan: RewindPlan, choice: RewindChoice, selected: number, scroll: number) => {
		setView({step: 'rewinding', selected, plan, scroll});
		port.rewind(plan.checkpoint.id, choice).then(
			outcome => {
				if (mounted.current) onRewound(outcome);
			},
			(error: unknown) => {
				if (mounted.current) setView({step: 'plan', selected, plan, scroll, error: errorText(error)});
			},
		);
	};

	useKeys(() => liveContexts({...focus, rewind: focusOf(viewRef.current)}), OWNS, {
		onAction: action => {
			const current = viewRef.current;
			switch (action) {
				case 'closeRewind':
					onClose();
					break;
				case 'selectPrevious':
				case 'selectNext':
					if (current.step === 'list') setView({...current, selected: move(current.selected, action === 'selectNext' ? 1 : -1)});
					break;
				case 'choose':
					if (current.step === 'list' && selectable(current.selected)) read(current.selected);
					break;
				case 'back':
					request.current += 1;
					if (current.step !== 'rewinding') setView({step: 'list', selected: current.selected});
					break;
				case 'scrollDown':
				case 'scrollUp':
				case 'pageDown':
				case 'pageUp':
					if (current.step === 'plan') setView({...current, scroll: scrolled(action, current.scroll, maxScroll, bodyRows)});
					break;
				case 'restore':
				case 'restoreWithConversation':
				case 'restoreFiles':
				case 'restoreDatabase': {
					if (current.step !== 'plan') break;
					const offer = rewindOffers(current.plan).find(candidate => candidate.action === action);
					if (offer) run(current.plan, offer.choice, current.selected, current.scroll);
					break;
				}

				default: {
					const unhandled: never = action;
					return unhandled;
				}
			}
		},
	});

	if (view.step === 'list') {
		const listRows = Math.max(1, height - CHROME);
		const narrow = inner < NARROW;
		const toolWidth = narrow ? 0 : Math.min(16, Math.max(0, ...newestFirst.map(c => shortToolName(c.tool).length)));
		const first = Math.max(0, Math.min(view.selected - Math.floor(listRows / 2), newestFirst.length - listRows));
		const listed = newestFirst.slice(first, first + listRows);
		const count = `${newestFirst.length} checkpoint${newestFirst.length === 1 ? '' : 's'}`;
		const position = newestFirst.length > listRows ? ` · ${view.selected + 1} of ${newestFirst.length}` : '';
		const title = newestFirst.length === 0 ? 'Rewind' : narrow ? `Rewind · ${count}${position}` : `Rewind · ${count}, newest first${position}`;
		const moves = `${keyOf('selectPrevious', 'rewind')}${keyOf('selectNext', 'rewind')}`;
		const hint =
			newestFirst.length === 0
				? `${keyOf('closeRewind')} close`
				: `${moves}${narrow ? '' : ' select'} · ${keyOf('choose', 'rewind')} choose · ${keyOf('closeRewind')} close`;
		return (
			<Frame width={width} title={oneLine(title, inner)}>
				{newestFirst.length === 0
					? bulleted(EMPTY, '', inner)
							.slice(0, listRows)
							.map(row => (
								<Text key={row} color={THEME.dim}>
									{row}
								</Text>
							))
					: null}
				{listed.map((checkpoint, i) => {
					const current = first + i === view.selected;
					const what = flat(checkpoint.dropped === undefined ? checkpoint.label : `dropped: ${checkpoint.dropped} · ${checkpoint.label}`);
					const time = narrow ? '' : ` ${formatTime(checkpoint.at)}`;
					const row = `${current ? '▸ ' : '  '}${checkpoint.id}${time} ${shortToolName(checkpoint.tool).padEnd(toolWidth)} ${what}`;
					const color = checkpoint.dropped !== undefined ? THEME.dim : current ? THEME.accent : undefined;
					return (
						<Text key={checkpoint.id} wrap="truncate-end" bold={current} {...(color ? {color} : {})}>
							{clip(row, inner)}
						</Text>
					);
				})}
				<Text color={THEME.dim} wrap="truncate-end">
					{oneLine(hint, inner)}
				</Text>
			</Frame>
		);
	}

	const checkpoint = view.step === 'plan' || view.step === 'rewinding' ? view.plan.checkpoint : newestFirst[view.selected];
	const title = checkpoint ? checkpointTitle(checkpoint, formatTime) : `Rewind to ${view.step === 'reading' || view.step === 'unreadable' ? view.id : ''}`;
	if (view.step === 'reading' || view.step === 'unreadable') {
		const rows =
			view.step === 'reading'
				? [{text: 'Reading checkpoint…', color: THEME.dim}]
				: bulleted(`Could not read the checkpoint: ${view.error}`, '', inner).map(text => ({text, color: THEME.error}));
		return (
			<Frame width={width} title={oneLine(title, inner)}>
				{rows.slice(0, Math.max(1, height - CHROME)).map(row => (
					<Text key={row.text} color={row.color}>
						{row.text}
					</Text>
				))}
				<Text color={THEME.dim}>{oneLine(`${keyOf('back', 'rewind-plan')} back to the list`, inner)}</Text>
			</Frame>
		);
	}

	const scroll = Math.min(view.scroll, maxScroll);
	const shown = body.slice(scroll, scroll + bodyRows);
	return (
		<Frame width={width} title={oneLine(title, inner)}>
			{shown.map((line, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (a window of the plan's lines); the position is the identity.
				<Text key={i} wrap="truncate-end" bold={line.bold === true} {...(line.color ? {color: line.color} : {})}>
					{line.text || ' '}
				</Text>
			))}
			{overflow ? (
				<Text color={THEME.dim} wrap="truncate-end">
					{scrollLine(scroll + 1, scroll + shown.length, body.length, inner)}
				</Text>
			) : null}
			{footer.map((line, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: the footer's rows are positional.
				<Text key={`f${i}`} wrap="truncate-end" {...(line.color ? {color: line.color} : {})}>
					{line.text}
				</Text>
			))}
		</Frame>
	);
}

function Frame({width, title, children}: {width: number; title: string; children: ReactNode}) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1} width={width}>
			<Text bold wrap="truncate-end">
				{title}
			</Text>
			{children}
		</Box>
	);
}

/** Where the plan's window is and how to move it, in full or, narrow, short. */
function scrollLine(first: number, last: number, total: number, width: number): string {
	const full = `lines ${first}–${last} of ${total} · ${SCROLL_HINT}`;
	return full.length <= width ? full : oneLine(`${first}–${last}/${total} · ${keyOf('scrollDown')}/${keyOf('scrollUp')} scroll`, width);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
