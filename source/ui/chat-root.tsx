/**
 * The live TUI over whichever session is open: the app for it, `pgpair --resume`'s list of saved sessions before one
 * is open, and the switch to another (`/resume`), which erases the screen (not the scrollback from before pgpair) so
 * the chosen session's conversation is printed on a clean one. Opening and closing sessions is the host's.
 */
import {Text, useApp, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import type {Session} from '../session/session.js';
import type {SessionHost} from '../session/session-host.js';
import type {SessionListing} from '../transcripts/reader.js';
import {App, type SessionSwitcher} from './app.js';
import type {ChecklistPaneItem} from './checklist-pane.js';
import {RESUME_PICKER_CONTEXTS} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {ResumePicker} from './resume-picker.js';
import {THEME} from './theme.js';
import {CLEAR_SCREEN} from './use-print-log.js';
import {useTerminalSize} from './use-terminal-size.js';

export type ChatRootProps = {
	host: Pick<SessionHost, 'current' | 'subscribe' | 'list' | 'resume'>;
	/** `pgpair --resume` without an id: the saved sessions to choose from, before any session is open. */
	pick?: readonly SessionListing[];
	agent: string;
	/** Sent by the first session shown (`pgpair "prompt"`), never again after a switch. */
	initialPrompt?: string;
	checklistItems?: readonly ChecklistPaneItem[];
	/** Prompts of this workspace's earlier sessions, for ↑ (read after the first frame). */
	earlierPrompts?: (session: Session) => Promise<readonly string[]>;
	onExit: () => void;
};

export function ChatRoot({host, pick, agent, initialPrompt, checklistItems, earlierPrompts, onExit}: ChatRootProps) {
	const session = useSyncExternalStore(host.subscribe, host.current, host.current);
	const {exit} = useApp();
	const {stdout, write} = useStdout();
	const {columns, rows} = useTerminalSize();
	const [picking, setPicking] = useState(pick !== undefined);
	const [error, setError] = useState<string | undefined>(undefined);
	const firstShown = useRef<string | undefined>(undefined);
	firstShown.current ??= session?.id;

	// A session that gives way to another leaves the screen to it: the old conversation is erased as it closes (the
	// host shows no session between the two), before the next one prints its own.
	const shown = useRef(session?.id);
	useEffect(() => {
		const before = shown.current;
		shown.current = session?.id;
		if (before !== undefined && session === undefined && stdout.isTTY) write(CLEAR_SCREEN);
	}, [session, stdout, write]);

	const quit = useCallback(() => {
		onExit();
		exit();
	}, [onExit, exit]);
	// Quit while no app is there to take it: the list, or a session that could not open.
	useKeys(RESUME_PICKER_CONTEXTS, ['global'], {onAction: quit}, picking || session === undefined);

	const switcher = useMemo<SessionSwitcher>(() => ({list: host.list, resume: host.resume}), [host]);

	if (picking) {
		// Never as tall as the terminal: Ink would then erase the scrollback with every frame.
		return (
			<ResumePicker
				listings={pick}
				width={Math.max(1, columns - 1)}
				height={Math.max(4, rows - 1)}
				contexts={RESUME_PICKER_CONTEXTS}
				onChoose={summary => {
					setPicking(false);
					host.resume(summary.path).catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
				}}
				onClose={quit}
			/>
		);
	}

	if (!session) return <Text color={error ? THEME.error : THEME.dim}>{error ?? 'Opening the session…'}</Text>;
	return (
		<App
			key={session.id}
			session={session}
			meta={{agent, model: session.modelId, sessionId: session.id}}
			{...(initialPrompt && session.id === firstShown.current ? {initialPrompt} : {})}
			{...(checklistItems ? {checklistItems} : {})}
			{...(earlierPrompts ? {earlierPrompts: () => earlierPrompts(session)} : {})}
			sessions={switcher}
			onExit={onExit}
		/>
	);
}
