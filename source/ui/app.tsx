import {Box, Static, Text, useApp, useInput} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {pendingApprovals} from '../core/session-state.js';
import type {Session} from '../session/session.js';
import type {UserDecision} from '../store/runner.js';
import {ApprovalPane} from './approval-pane.js';
import {PrintedItemView} from './chat-entry.js';
import {ChecklistPane, type ChecklistPaneItem, checklistSummary} from './checklist-pane.js';
import {DiffHistory} from './diff-history.js';
import {HelpOverlay} from './help-overlay.js';
import {matches} from './keybindings.js';
import {LiveTurn} from './live-turn.js';
import type {PrintItem} from './print-log.js';
import {PromptInput} from './prompt-input.js';
import {serverStatusText} from './server-status.js';
import {StatusBar} from './status-bar.js';
import {THEME} from './theme.js';
import {usePrintLog} from './use-print-log.js';
import {useSessionState} from './use-session.js';
import {useTerminalSize} from './use-terminal-size.js';
import {takeRows} from './wrap.js';

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 12;
const QUIT_WINDOW_MS = 2000;

/** What the app reads (the log) and the actions its keys call: the session, and nothing beside it. */
export type AppSession = Pick<
	Session,
	'store' | 'send' | 'decide' | 'previewEdit' | 'cancel' | 'cycleMode' | 'tick' | 'startDemo' | 'hasModel' | 'setupMessage'
>;

export type AppProps = {
	session: AppSession;
	meta: {agent: string; model: string; sessionId: string};
	/** Runs a first prompt as soon as the app is up (`pgpair "prompt"`). */
	initialPrompt?: string;
	/** The agent's quality checklist items (Space in the pane ticks one through the session). */
	checklistItems?: readonly ChecklistPaneItem[];
	onExit: () => void;
};

export function App(props: AppProps) {
	const {session, meta} = props;
	const {store} = session;
	const state = useSessionState(store);
	const servers = useMemo(() => serverStatusText(state), [state.servers, state.openCalls]);
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	// Whether a prompt can be answered; becomes true when the offline demo starts.
	const [hasModel, setHasModel] = useState(session.hasModel());
	const [showHelp, setShowHelp] = useState(false);
	const [quitArmed, setQuitArmedState] = useState(false);
	// A ref too: two Ctrl+C presses can arrive before React re-renders the handler.
	const quitArmedRef = useRef(false);
	const setQuitArmed = (armed: boolean) => {
		quitArmedRef.current = armed;
		setQuitArmedState(armed);
	};
	const [demoStarting, setDemoStarting] = useState(false);
	const [paneTyping, setPaneTyping] = useState(false);
	const [showDiffs, setShowDiffs] = useState(false);
	// One object, so fast key repeats never read a stale selection.
	const [checklistView, setChecklistView] = useState({open: false, selected: 0, expanded: false});
	const checklistRef = useRef(checklistView);
	checklistRef.current = checklistView;
	const checklistItems = props.checklistItems ?? [];
	const quitTimer = useRef<NodeJS.Timeout | undefined>(undefined);
	// Memoised, like the callbacks below: the panes are React.memo'd and skip the 30 renders a second of a stream.
	const queue = useMemo(() => pendingApprovals(state), [state.openCalls]);
	const busy = state.activity !== 'idle';

	const quit = useCallback(() => {
		props.onExit();
		exit();
	}, [exit, props.onExit]);

	useEffect(() => {
		// Without a model the prompt is answered with the set-up message, like any other.
		if (props.initialPrompt) void session.send(props.initialPrompt);
	}, []);

	useInput((input, key) => {
		// Ink hands over a whole read at once: two fast Ctrl+C presses arrive as "\x03\x03".
		const burst = /^\u0003{2,}$/.test(input);
		if (burst) {
			quit();
			return;
		}

		if (matches('quit', input, key) || input === '\u0003') {
			if (quitArmedRef.current) {
				quit();
				return;
			}

			setQuitArmed(true);
			clearTimeout(quitTimer.current);
			quitTimer.current = setTimeout(() => setQuitArmed(false), QUIT_WINDOW_MS);
			return;
		}

		// While the approval pane takes typed text, Esc belongs to it (back out), not to the turn.
		if (paneTyping) return;
		// The diff history owns the keyboard while it is open (it closes itself with Esc).
		if (showDiffs) return;
		if (matches('openDiffs', input, key)) {
			if (queue.length === 0 && state.previews.length > 0) setShowDiffs(true);
			return;
		}

		if (matches('cancelTurn', input, key) && !(checklistRef.current.open && queue.length === 0)) {
			if (showHelp) setShowHelp(false);
			else session.cancel();
			return;
		}

		if (matches('cycleMode', input, key)) {
			session.cycleMode();
			return;
		}

		if (matches('toggleChecklist', input, key) && checklistItems.length > 0) {
			setChecklistView(view => ({...view, open: !view.open}));
			return;
		}

		const view = checklistRef.current;
		if (view.open && queue.length === 0) {
			if (key.escape) setChecklistView({...view, open: false});
			else if (key.upArrow) setChecklistView({...view, selected: Math.max(0, view.selected - 1)});
			else if (key.downArrow) setChecklistView({...view, selected: Math.min(checklistItems.length - 1, view.selected + 1)});
			else if (matches('showEvidence', input, key)) setChecklistView({...view, expanded: !view.expanded});
			else if (matches('tickChecklist', input, key)) {
				const item = checklistItems[view.selected];
				if (item) session.tick(item.id);
			}

			return;
		}

		if (!hasModel && matches('startDemo', input, key) && !demoStarting) {
			setDemoStarting(true);
			void session.startDemo().then(
				() => setHasModel(true),
				error => {
					store.append({type: 'notice_shown', level: 'error', text: `The demo could not start: ${(error as Error).message}`});
					setDemoStarting(false);
				},
			);
		}
	});

	const onEmptyKey = useCallback(
		(input: string) => {
			if (input === '?') {
				setShowHelp(v => !v);
				return true;
			}

			if (input === 'D' && !hasModel) return true;
			return false;
		},
		[hasModel],
	);

	const onSubmit = useCallback((text: string) => void session.send(text), [session]);
	const onDecision = useCallback((callId: string, decision: UserDecision) => session.decide(callId, decision), [session]);
	const onPreviewEdit = useCallback((callId: string, input: unknown) => void session.previewEdit(callId, input), [session]);

	const width = Math.max(1, columns - 1);
	const printLayout = usePrintLog(width);
	const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
	// Finished history, and the streamed answer's settled rows, are printed once; <Static> stays mounted
	// in every layout, or a resize would unmount it and print the whole conversation again when it comes back.
	const printed = printLayout.log.update(state, {width, streaming: !tooSmall});
	const history = (
		// A new layout (the width changed) mounts a new <Static>, which prints the whole conversation again.
		<Static key={printLayout.generation} items={printed.items as PrintItem[]}>
			{(item: PrintItem) => <PrintedItemView key={item.key} item={item} width={width} />}
		</Static>
	);

	if (tooSmall) {
		// Nothing is lost: the session keeps running and the full layout returns when the window grows.
		return (
			<Box flexDirection="column">
				{history}
				<Text color={THEME.warn}>
					Terminal too small ({columns}×{rows}); pgpair needs {MIN_COLUMNS}×{MIN_ROWS}. {busy ? 'The turn goes on.' : ''}
				</Text>
			</Box>
		);
	}

	const running = state.openCalls.filter(call => call.status === 'running');
	// Rows left for streamed text. The live area must stay shorter than the terminal: a frame as tall as the
	// screen scrolls it by a line, Ink then erases one line too many and the last line of history is lost.
	// Reserved: the text's margin, the input box, the status bar, a quit hint and a spare row.
	const paneRows = queue.length > 0 ? Math.min(16, rows - 8) : 0;
	const liveRows = Math.max(3, rows - (9 + paneRows + running.length * 2 + (showHelp ? 12 : 0)));
	// The answer's rows not printed yet: its open last row (more, only if the terminal was too small a moment ago).
	const open = state.liveText ? takeRows(state.liveText, printed.pendingFrom, width, true).rows : [];

	return (
		<Box flexDirection="column">
			{history}
			<LiveTurn rows={open.slice(-liveRows)} clipped={open.length > liveRows} continued={printed.continued} runningCalls={running} width={width} />
			{state.retry ? (
				<Text color={THEME.warn}>
					Retrying ({state.retry.attempt}/{state.retry.maxAttempts}) in {Math.round(state.retry.delayMs / 100) / 10}s: {state.retry.reason}
				</Text>
			) : null}
			{!hasModel && session.setupMessage ? (
				<Box flexDirection="column" borderStyle="round" borderColor={THEME.warn} paddingX={1} marginTop={1}>
					<Text>{session.setupMessage}</Text>
					<Text color={THEME.accent}>{demoStarting ? 'Starting the offline demo…' : 'Press D to run the offline demo (no key, no network).'}</Text>
				</Box>
			) : null}
			{showHelp ? <HelpOverlay /> : null}
			{showDiffs ? <DiffHistory previews={state.previews} width={width} height={Math.max(8, rows - 6)} onClose={() => setShowDiffs(false)} /> : null}
			{checklistView.open && queue.length === 0 ? (
				<ChecklistPane
					items={checklistItems}
					entries={state.checklist}
					selected={checklistView.selected}
					expanded={checklistView.expanded}
					width={width}
					maxRows={Math.max(6, rows - 8)}
					hint="↑↓ select · Enter evidence · Space tick yourself · Esc close"
				/>
			) : null}
			<ApprovalPane
				queue={queue}
				width={width}
				maxRows={Math.max(8, rows - 6)}
				onDecision={onDecision}
				onPreviewEdit={onPreviewEdit}
				onTypingChange={setPaneTyping}
			/>
			<PromptInput
				isActive={queue.length === 0 && !checklistView.open && !showDiffs}
				placeholder={queue.length > 0 ? 'answer the tool call above' : busy ? 'working… (Esc to cancel)' : 'ask the backend engineer…'}
				onSubmit={onSubmit}
				onEmptyKey={onEmptyKey}
			/>
			{quitArmed ? <Text color={THEME.warn}>Press Ctrl+C again to quit.</Text> : null}
			<StatusBar
				checklist={checklistItems.length > 0 ? checklistSummary(state, checklistItems) : ''}
				mode={state.mode}
				agent={meta.agent}
				model={meta.model}
				sessionId={meta.sessionId}
				usage={state.usage}
				activity={state.activity}
				servers={servers}
				width={width}
			/>
		</Box>
	);
}
