import {Box, Static, Text, useApp} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Session} from '../session/session.js';
import type {UserDecision} from '../store/runner.js';
import {ApprovalPane} from './approval-pane.js';
import {PrintedItemView} from './chat-entry.js';
import {CHECKLIST_CLOSED, ChecklistPane, type ChecklistPaneItem, checklistSummary, nextChecklistView} from './checklist-pane.js';
import {DiffHistory} from './diff-history.js';
import {HelpOverlay, helpOverlayPage, helpOverlayRows} from './help-overlay.js';
import {type ActionIn, keyOf} from './keys/bindings.js';
import {type Editing, type LiveFocus, liveContexts, type RewindFocus} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {LiveTurn} from './live-turn.js';
import {ModelPicker} from './model-picker.js';
import type {PrintItem} from './print-log.js';
import {promptHistory, type StashedDraft} from './prompt-history.js';
import {type PromptHandle, PromptInput} from './prompt-input.js';
import {ResumePicker} from './resume-picker.js';
import {RewindScreen} from './rewind-screen.js';
import {serverStatusText} from './server-status.js';
import {parseInput} from './slash-commands.js';
import {StatusBar} from './status-bar.js';
import {THEME} from './theme.js';
import {ToolResults} from './tool-results.js';
import {useBracketedPaste} from './use-bracketed-paste.js';
import {errorText, type SessionSwitcher, useChoosers} from './use-choosers.js';
import {useDoublePress} from './use-double-press.js';
import {usePrintLog} from './use-print-log.js';
import {useRefState} from './use-ref-state.js';
import {useSessionState} from './use-session.js';
import {useSessionPrompts} from './use-session-prompts.js';
import {MIN_COLUMNS, MIN_ROWS, useTerminalSize} from './use-terminal-size.js';
import {takeRows} from './wrap.js';

const QUIT_WINDOW_MS = 2000;
/** Esc twice within this on the empty, idle prompt opens the rewind. */
const REWIND_ESC_WINDOW_MS = 800;
/** `/rewind`, or `/rewind <checkpoint id>` to start on that one: typed in the prompt, it opens the rewind screen. */
const CHECKLIST_HINT = `${keyOf('selectPrevious', 'checklist')}${keyOf('selectNext', 'checklist')} select · ${keyOf('showEvidence')} evidence · ${keyOf('tickChecklist')} tick yourself · ${keyOf('closeChecklist')} close`;

/** What the app reads (the log) and the actions its keys call: the session, and nothing beside it. */
export type AppSession = Pick<
	Session,
	| 'store'
	| 'send'
	| 'decide'
	| 'previewEdit'
	| 'cancel'
	| 'cycleMode'
	| 'tick'
	| 'startDemo'
	| 'hasModel'
	| 'setupMessage'
	| 'rewindPlan'
	| 'rewind'
	| 'clear'
	| 'setModel'
>;

export type {SessionSwitcher} from './use-choosers.js';

export type AppProps = {
	session: AppSession;
	meta: {agent: string; model: string; sessionId: string};
	/** Runs a first prompt as soon as the app is up (`pgpair "prompt"`). */
	initialPrompt?: string;
	/** The agent's quality checklist items (Space in the pane ticks one through the session). */
	checklistItems?: readonly ChecklistPaneItem[];
	/** Earlier sessions' prompts in this workspace, oldest first, for ↑; read once, after the first frame. */
	earlierPrompts?: () => Promise<readonly string[]>;
	/** What `/resume` lists and switches to; without it the command says it is not available. */
	sessions?: SessionSwitcher;
	onExit: () => void;
};

/** The contexts whose keys the app itself handles; the panes and the prompt own the others. */
const APP_CONTEXTS = ['global', 'session', 'turn', 'help', 'help-pages', 'checklist'] as const;
/** Rows of text the prompt shows at most; more scroll inside it. */
const PROMPT_MAX_ROWS = 8;
const DRAFT_CLEARED = `Draft cleared (↑ brings it back). ${keyOf('quit')} on an empty prompt quits.`;
const NO_PROMPTS: readonly string[] = Object.freeze([]);
const IDLE_PLACEHOLDER = `ask the backend engineer… (${keyOf('historyPrevious')} earlier prompts · \\ ${keyOf('submit')} new line · ? help)`;

export function App(props: AppProps) {
	const {session, meta, onExit} = props;
	const {store} = session;
	const state = useSessionState(store);
	const {servers: serverStates, openCalls} = state;
	const servers = useMemo(() => serverStatusText({servers: serverStates, openCalls}), [serverStates, openCalls]);
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	// Whether a prompt can be answered: true while the offline demo runs, false again once it has ended or stopped
	// (read on every render, which every event of the demo causes).
	const hasModel = session.hasModel();
	const [showHelp, setShowHelp] = useState(false);
	const quitPress = useDoublePress(QUIT_WINDOW_MS);
	const [demoStarting, setDemoStarting] = useState(false);
	const [editing, setEditing] = useState<Editing>('none');
	const [showDiffs, setShowDiffs] = useState(false);
	const [showResults, setShowResults] = useState(false);
	const [helpScroll, setHelpScroll] = useState(0);
	// One object, so fast key repeats never act on a stale selection.
	const [checklistView, setChecklistView, checklistRef] = useRefState(CHECKLIST_CLOSED);
	const checklistItems = props.checklistItems ?? [];
	// The rewind screen's step ('closed' when it is not open), the checkpoint `/rewind <id>` asked for, the first Esc
	// of two, and the prompt a conversation rewind gives back to edit.
	const [rewindStep, setRewindStep] = useState<RewindFocus>('closed');
	const [rewindFrom, setRewindFrom] = useState<string | undefined>(undefined);
	const rewindPress = useDoublePress(REWIND_ESC_WINDOW_MS);
	const [draft, setDraft] = useState<{text: string} | undefined>(undefined);
	// A message of the app's own under the prompt (an unknown command, a rewind refused while a turn runs, a draft cleared): on screen
	// until the next thing typed is sent, never in the transcript.
	const [hint, setHint] = useState<{text: string; level: 'info' | 'warn'} | undefined>(undefined);
	const say = useCallback((text: string, level: 'info' | 'warn' = 'warn') => setHint({text, level}), []);
	const {chooser, listings, close: closeChooser, openModels, openSessions, resume, switchModel} = useChoosers(session, props.sessions, say);
	const model = state.model ?? meta.model;
	// ↑'s list: earlier sessions' prompts, this session's, and the drafts Ctrl+C cleared (never lost).
	const prompt = useRef<PromptHandle>(null);
	const [stashed, setStashed] = useState<readonly StashedDraft[]>([]);
	const [earlier, setEarlier] = useState<readonly string[]>(NO_PROMPTS);
	const sessionPrompts = useSessionPrompts(state.entries);
	const promptList = useMemo(() => promptHistory(earlier, sessionPrompts, stashed), [earlier, sessionPrompts, stashed]);
	const loadEarlier = useRef(props.earlierPrompts);
	useEffect(() => {
		const load = loadEarlier.current;
		if (!load) return;
		let live = true;
		// After the first frame, and never in its way: a session dir that cannot be read recalls nothing.
		const timer = setTimeout(() => {
			load().then(
				prompts => live && setEarlier(prompts),
				() => undefined,
			);
		}, 0);
		return () => {
			live = false;
			clearTimeout(timer);
		};
	}, []);
	useBracketedPaste();
	// A call that asks closes the results overlay: the approval pane needs the room and the keys.
	useEffect(() => {
		if (openCalls.some(call => call.status === 'awaiting_approval')) setShowResults(false);
	}, [openCalls]);
	// The approval queue (pendingApprovals), memoised on the open calls alone, like the focus and the callbacks below:
	// the panes are React.memo'd and skip the 30 renders a second of a stream.
	const queue = useMemo(() => openCalls.filter(call => call.status === 'awaiting_approval'), [openCalls]);
	const busy = state.activity !== 'idle';

	const approvalPending = queue.length > 0;
	const demoOffered = !hasModel;
	const focus = useMemo<LiveFocus>(
		() => ({
			editing,
			diffsOpen: showDiffs,
			resultsOpen: showResults,
			approvalPending,
			checklistOpen: checklistView.open,
			helpOpen: showHelp,
			demoOffered,
			turnRunning: busy,
			rewind: rewindStep,
			chooser: chooser !== 'none',
		}),
		[editing, showDiffs, showResults, approvalPending, checklistView.open, showHelp, demoOffered, busy, rewindStep, chooser],
	);
	const contexts = liveContexts(focus);

	const quit = useCallback(() => {
		onExit();
		exit();
	}, [exit, onExit]);

	const openRewind = useCallback(
		(checkpointId?: string) => {
			rewindPress.disarm();
			setShowHelp(false);
			setRewindFrom(checkpointId);
			setRewindStep('list');
		},
		[rewindPress.disarm],
	);
	const closeRewind = useCallback(() => setRewindStep('closed'), []);
	// The screen reports its step from an effect, which can run after the app closed it (a rewind that answers at once
	// closes it before the screen's 'busy' effect has run): a report never reopens it.
	const onRewindStep = useCallback((step: RewindFocus) => setRewindStep(current => (current === 'closed' ? current : step)), []);
	const onRewound = useCallback((outcome: {prompt?: string}) => {
		setRewindStep('closed');
		if (outcome.prompt !== undefined) setDraft({text: outcome.prompt});
	}, []);
	// A turn that starts while the screen is open (a first prompt still connecting) closes it: the session refuses a
	// rewind while a turn runs, and the turn's approvals need the keys. A rewind already running keeps it.
	useEffect(() => {
		if (busy && (rewindStep === 'list' || rewindStep === 'plan')) setRewindStep('closed');
		if (busy) closeChooser();
	}, [busy, rewindStep, closeChooser]);

	// The first prompt, once. Without a model it waits in the input box (the set-up message says what to do), as a
	// typed one does: nothing the person wrote is lost.
	const initialPrompt = useRef(props.initialPrompt);
	useEffect(() => {
		const prompt = initialPrompt.current;
		initialPrompt.current = undefined;
		if (!prompt) return;
		if (session.hasModel()) void session.send(prompt);
		else setDraft({text: prompt});
	}, [session]);

	// Ctrl+C clears a draft first, as in Claude Code; on an empty prompt it arms the quit, and a second press quits.
	const pressQuit = () => {
		const cleared = prompt.current?.clear();
		if (cleared === undefined) return quitPress.press();
		quitPress.disarm();
		const {kept} = cleared;
		if (kept !== undefined) setStashed(list => [...list, {afterPrompts: sessionPrompts.length, text: kept}]);
		say(DRAFT_CLEARED, 'info');
		return false;
	};

	useKeys(contexts, APP_CONTEXTS, {
		onAction: action => {
			switch (action) {
				case 'quitNow':
					// Two presses in one read: what two presses one by one would do.
					if (pressQuit() || pressQuit()) quit();
					break;
				case 'quit':
					if (pressQuit()) quit();
					break;
				case 'cancelTurn':
					session.cancel();
					break;
				case 'closeHelp':
					setShowHelp(false);
					break;
				case 'helpPageDown':
				case 'helpPageUp': {
					const {page, maxScroll} = helpOverlayPage(width, helpRows);
					const step = action === 'helpPageDown' ? page : -page;
					setHelpScroll(scroll => Math.max(0, Math.min(maxScroll, scroll + step)));
					break;
				}

				case 'openResults':
					// In the place of the help or the checklist: two overlays would not fit the screen together.
					if (queue.length > 0) break;
					setShowHelp(false);
					setChecklistView(CHECKLIST_CLOSED);
					setShowResults(true);
					break;
				case 'cycleMode':
					session.cycleMode();
					break;
				case 'openDiffs':
					if (queue.length === 0 && state.previews.length > 0) setShowDiffs(true);
					break;
				case 'tickChecklist': {
					const item = checklistItems[checklistRef.current.selected];
					if (item) session.tick(item.id);
					break;
				}

				case 'toggleChecklist':
					if (checklistItems.length > 0) setChecklistView(nextChecklistView(checklistRef.current, action, checklistItems.length));
					break;
				default:
					setChecklistView(nextChecklistView(checklistRef.current, action, checklistItems.length));
			}
		},
	});

	const onPromptKey = useCallback(
		(action: ActionIn<'empty-prompt' | 'welcome' | 'idle-prompt'>) => {
			if (action === 'toggleHelp') {
				setShowHelp(v => !v);
				setHelpScroll(0);
				return;
			}

			if (action === 'openRewind') {
				// Like Ctrl+C: the first press arms, a second within the window acts.
				if (rewindPress.press()) openRewind();
				return;
			}

			if (hasModel || demoStarting) return;
			setDemoStarting(true);
			void session.startDemo().then(
				() => setDemoStarting(false),
				error => {
					store.append({type: 'notice_shown', level: 'error', text: `The demo could not start: ${(error as Error).message}`});
					setDemoStarting(false);
				},
			);
		},
		[session, hasModel, demoStarting, store, openRewind, rewindPress.press],
	);

	const waits = useCallback(
		(command: string) => say(`/${command} waits until the turn ends: type it again then (${keyOf('cancelTurn')} cancels the turn).`),
		[say],
	);
	const onSubmit = useCallback(
		(text: string) => {
			setHint(undefined);
			const input = parseInput(text);
			if (input.kind === 'prompt') {
				if (!session.hasModel()) {
					// Nobody can answer yet: the text stays in the box, and the set-up message above says why.
					setDraft({text});
					say('No model to answer yet: set ANTHROPIC_API_KEY, or press D on an empty prompt for the offline demo.');
					return;
				}
				void session.send(text);
				return;
			}
			if (input.kind === 'unknown') {
				say(`/${input.name} is not a pgpair command (/help lists them); nothing was sent.`);
				return;
			}
			switch (input.name) {
				case 'help':
					setShowHelp(true);
					setHelpScroll(0);
					return;
				case 'exit':
					quit();
					return;
				case 'rewind':
					// Never the model's: a rewind is the person's, and it waits for the turn to end.
					if (busy) waits('rewind');
					else openRewind(input.arg);
					return;
				case 'clear':
					if (busy) return waits('clear');
					setShowHelp(false);
					try {
						session.clear();
					} catch (error) {
						say(errorText(error));
					}
					return;
				case 'model':
					if (busy) return waits('model');
					setShowHelp(false);
					if (input.arg) switchModel(input.arg);
					else openModels();
					return;
				case 'resume':
					if (!props.sessions) return say('/resume is not available here: start pgpair with --resume to choose a saved session.');
					if (busy) return waits('resume');
					setShowHelp(false);
					if (input.arg) resume(input.arg);
					else openSessions();
					return;
			}
		},
		[session, busy, openRewind, quit, say, waits, switchModel, resume, openModels, openSessions, props.sessions],
	);
	const closeResults = useCallback(() => setShowResults(false), []);
	// Only while the overlay is open: a long session has many entries and a new one every few frames.
	const finishedCalls = useMemo(
		() => (showResults ? state.entries.flatMap(entry => (entry.kind === 'tool' ? [{call: entry.call, at: entry.at}] : [])) : []),
		[showResults, state.entries],
	);
	const onDecision = useCallback((callId: string, decision: UserDecision) => session.decide(callId, decision), [session]);
	const onPreviewEdit = useCallback((callId: string, input: unknown) => void session.previewEdit(callId, input), [session]);

	const width = Math.max(1, columns - 1);
	const running = state.openCalls.filter(call => call.status === 'running');
	// Rows left for streamed text. The live area must stay shorter than the terminal: a frame as tall as the
	// screen scrolls it by a line, Ink then erases one line too many and the last line of history is lost, and
	// once a frame has been that tall Ink clears the whole screen and the scrollback before the next one.
	// Reserved: the text's margin, the input box, the status bar, a quit hint and a spare row.
	const paneRows = queue.length > 0 ? Math.min(16, rows - 8) : 0;
	const helpRows = showHelp ? Math.min(helpOverlayRows(width), Math.max(6, rows - 9 - paneRows)) : 0;
	// The prompt shows one row of its text while a pane or overlay takes the room (they budget a one-row box), and up
	// to PROMPT_MAX_ROWS otherwise, less what running calls, a retry and the set-up message take.
	const overlayShown = queue.length > 0 || showHelp || showDiffs || showResults || checklistView.open;
	const setupRows = !hasModel && session.setupMessage ? 7 : 0;
	const promptRows = overlayShown ? 1 : Math.max(1, Math.min(PROMPT_MAX_ROWS, rows - 14 - running.length * 2 - (state.retry ? 1 : 0) - setupRows));
	const liveRows = Math.max(3, rows - (9 + (promptRows - 1) + paneRows + running.length * 2 + helpRows));
	const printLayout = usePrintLog(width, state.clears);
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
			{!hasModel && session.setupMessage && rewindStep === 'closed' && chooser === 'none' ? (
				<Box flexDirection="column" borderStyle="round" borderColor={THEME.warn} paddingX={1} marginTop={1}>
					<Text>{session.setupMessage}</Text>
					{demoOffered ? (
						<Text color={THEME.accent}>
							{demoStarting ? 'Starting the offline demo…' : `Press ${keyOf('startDemo')} to run the offline demo (no key, no network).`}
						</Text>
					) : null}
				</Box>
			) : null}
			{showHelp ? <HelpOverlay width={width} maxRows={helpRows} scroll={helpScroll} /> : null}
			{showDiffs ? (
				<DiffHistory previews={state.previews} width={width} height={Math.max(8, rows - 6)} contexts={contexts} onClose={() => setShowDiffs(false)} />
			) : null}
			{showResults && queue.length === 0 ? (
				// Under the streamed row and the running calls, over the one-row prompt, a hint, the status bar and a spare row.
				<ToolResults
					calls={finishedCalls}
					width={width}
					height={Math.max(8, rows - 6 - running.length * 2 - (open.length > 0 ? Math.min(open.length, liveRows) + 1 : 0) - (state.retry ? 1 : 0))}
					contexts={contexts}
					onClose={closeResults}
				/>
			) : null}
			{checklistView.open && queue.length === 0 ? (
				<ChecklistPane
					items={checklistItems}
					entries={state.checklist}
					selected={checklistView.selected}
					expanded={checklistView.expanded}
					width={width}
					maxRows={Math.max(6, rows - 8)}
					hint={CHECKLIST_HINT}
				/>
			) : null}
			{rewindStep !== 'closed' ? (
				// In the prompt's place (hidden meanwhile): the screen, a hint, the status bar and a spare row fill the terminal.
				<RewindScreen
					checkpoints={state.checkpoints}
					port={session}
					width={width}
					height={Math.max(6, rows - 3)}
					focus={focus}
					{...(rewindFrom ? {initialId: rewindFrom} : {})}
					onStepChange={onRewindStep}
					onClose={closeRewind}
					onRewound={onRewound}
				/>
			) : null}
			{chooser === 'model' ? (
				// In the prompt's place, like the rewind screen.
				<ModelPicker current={model} width={width} height={Math.max(6, rows - 3)} contexts={contexts} onChoose={switchModel} onClose={closeChooser} />
			) : null}
			{chooser === 'resume' ? (
				<ResumePicker
					listings={listings}
					currentId={meta.sessionId}
					width={width}
					height={Math.max(6, rows - 3)}
					contexts={contexts}
					onChoose={summary => (summary.id === meta.sessionId ? closeChooser() : resume(summary.path))}
					onClose={closeChooser}
				/>
			) : null}
			<ApprovalPane
				queue={queue}
				width={width}
				maxRows={Math.max(8, rows - 6)}
				onDecision={onDecision}
				onPreviewEdit={onPreviewEdit}
				focus={focus}
				onEditingChange={setEditing}
			/>
			<PromptInput
				ref={prompt}
				focus={focus}
				width={width}
				maxRows={promptRows}
				history={promptList}
				placeholder={queue.length > 0 ? 'answer the tool call above' : busy ? `working… (${keyOf('cancelTurn')} to cancel)` : IDLE_PLACEHOLDER}
				onSubmit={onSubmit}
				onAction={onPromptKey}
				{...(draft ? {draft} : {})}
				hidden={rewindStep !== 'closed' || chooser !== 'none'}
			/>
			{quitPress.armed ? (
				<Text color={THEME.warn}>Press {keyOf('quit')} again to quit.</Text>
			) : rewindPress.armed ? (
				<Text color={THEME.dim}>Press {keyOf('openRewind')} again to rewind to a checkpoint.</Text>
			) : hint ? (
				<Text color={hint.level === 'warn' ? THEME.warn : THEME.dim}>{hint.text}</Text>
			) : null}
			<StatusBar
				checklist={checklistItems.length > 0 ? checklistSummary(state, checklistItems) : ''}
				mode={state.mode}
				agent={meta.agent}
				model={model}
				sessionId={meta.sessionId}
				usage={state.usage}
				activity={state.activity}
				servers={servers}
				width={width}
			/>
		</Box>
	);
}
