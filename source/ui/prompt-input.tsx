import {Box, Text} from 'ink';
import React, {useCallback, useEffect, useImperativeHandle, useRef} from 'react';
import type {ActionIn} from './keys/bindings.js';
import {type LiveFocus, liveContexts} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {collapsesPaste, expandPastes, normalizePasted, type Paste, pasteLabel} from './pasted-text.js';
import {
	bufferOf,
	deleteBack,
	EMPTY_BUFFER,
	endsBeforeCursor,
	insertText,
	moveDown,
	moveLeft,
	moveRight,
	moveUp,
	type PromptBuffer,
	replaceBeforeCursor,
} from './prompt-buffer.js';
import {browsingUntouched, type HistoryPosition, historyBack, historyForward, NOT_BROWSING} from './prompt-history.js';
import {type PromptRow, promptView, splitAtCursor} from './prompt-layout.js';
import {THEME} from './theme.js';
import {useRefState} from './use-ref-state.js';

/** What the app may ask of the prompt from outside its keys: Ctrl+C is the app's key, and clears a draft first. */
export type PromptHandle = {
	/**
	 * Empties the prompt if it has the keyboard and holds text, and says so; `kept` is that text (pastes put back),
	 * unless it is a prompt recalled from the history as it was.
	 */
	clear(): {kept?: string} | undefined;
};

export type PromptInputProps = {
	/** The app's focus; the prompt adds its own fact, whether it is empty. Active while the focus gives it `line`. */
	focus: LiveFocus;
	placeholder: string;
	onSubmit: (text: string) => void;
	/** Keys of the empty prompt that act outside it (`?` help, `D` the demo, Esc toward the rewind). */
	onAction?: (action: ActionIn<'empty-prompt' | 'welcome' | 'idle-prompt'>) => void;
	/** Replaces the text typed so far, once per object given (a rewound conversation gives its prompt back to edit). */
	draft?: {text: string};
	/** Drawn as nothing, its text kept, while a screen takes its place (the rewind). */
	hidden?: boolean;
	/** Columns of the box, border included. */
	width?: number;
	/** Rows of text the box may show; more are scrolled to keep the cursor in sight (the box adds its border). */
	maxRows?: number;
	/** What ↑ walks through, oldest first (see prompt-history.ts). */
	history?: readonly string[];
};

const PROMPT_CONTEXTS = ['text', 'line', 'prompt', 'empty-prompt', 'welcome', 'idle-prompt'] as const;
const NO_HISTORY: readonly string[] = Object.freeze([]);
/** Border (2), padding (2) and the `> ` mark. */
const BOX_COLUMNS = 6;

/** The chat box. Inactive while an approval is pending, so typing can never answer a prompt. */
export const PromptInput = React.memo(
	React.forwardRef<PromptHandle, PromptInputProps>(function PromptInput(
		{focus, placeholder, onSubmit, onAction, draft, hidden = false, width = 80, maxRows = 8, history = NO_HISTORY},
		handle,
	) {
		const [buffer, setBuffer, bufferRef] = useRefState<PromptBuffer>(EMPTY_BUFFER);
		// Collapsed pastes of this draft (their placeholders are in the text), and where ↑/↓ have got to.
		const pastes = useRef<Paste[]>([]);
		const position = useRef<HistoryPosition>(NOT_BROWSING);
		const historyRef = useRef(history);
		historyRef.current = history;

		const reset = useCallback(
			(next: PromptBuffer = EMPTY_BUFFER) => {
				pastes.current = [];
				position.current = NOT_BROWSING;
				setBuffer(next);
			},
			[setBuffer],
		);

		useEffect(() => {
			if (draft) reset(bufferOf(draft.text));
		}, [draft, reset]);

		const isActive = liveContexts(focus).includes('line');
		const activeRef = useRef(isActive);
		activeRef.current = isActive;
		useImperativeHandle(
			handle,
			() => ({
				clear() {
					const current = bufferRef.current;
					if (!activeRef.current || current.text === '') return undefined;
					const recalled = browsingUntouched(position.current, current);
					const kept = expandPastes(current.text, pastes.current);
					reset();
					return recalled ? {} : {kept};
				},
			}),
			[bufferRef, reset],
		);

		const send = (current: PromptBuffer) => {
			const text = expandPastes(current.text, pastes.current).trim();
			if (!text) return;
			reset();
			onSubmit(text);
		};

		// A paste too large to read in the box is a placeholder there; the text is put back when it is sent.
		const paste = (raw: string) => {
			const text = normalizePasted(raw);
			if (!collapsesPaste(text)) {
				setBuffer(insertText(bufferRef.current, text));
				return;
			}

			const id = (pastes.current.at(-1)?.id ?? 0) + 1;
			const label = pasteLabel(id, text);
			pastes.current = [...pastes.current, {id, label, text}];
			setBuffer(insertText(bufferRef.current, label));
		};

		useKeys(
			// Whether `?` is a key or text depends on the text typed so far, which only this component knows first.
			() => liveContexts(focus, bufferRef.current.text === ''),
			PROMPT_CONTEXTS,
			{
				onAction: action => {
					const current = bufferRef.current;
					switch (action) {
						case 'submit':
							// Claude Code's way to a new line: a `\` right before Enter becomes one.
							if (endsBeforeCursor(current, '\\')) setBuffer(replaceBeforeCursor(current, 1, '\n'));
							else send(current);
							break;
						case 'newline':
							setBuffer(insertText(current, '\n'));
							break;
						case 'clearText':
							reset();
							break;
						case 'deleteChar':
							setBuffer(deleteBack(current));
							break;
						case 'cursorLeft':
							setBuffer(moveLeft(current));
							break;
						case 'cursorRight':
							setBuffer(moveRight(current));
							break;
						case 'historyPrevious': {
							const up = browsingUntouched(position.current, current) ? undefined : moveUp(current);
							const step = up ? undefined : historyBack(historyRef.current, position.current, current);
							if (up) setBuffer(up);
							else if (step) {
								position.current = step.position;
								setBuffer(step.buffer);
							}

							break;
						}

						case 'historyNext': {
							const down = browsingUntouched(position.current, current) ? undefined : moveDown(current);
							const step = down ? undefined : historyForward(historyRef.current, position.current);
							if (down) setBuffer(down);
							else if (step) {
								position.current = step.position;
								setBuffer(step.buffer);
							}

							break;
						}

						case 'toggleHelp':
						case 'startDemo':
						case 'openRewind':
							onAction?.(action);
							break;
						default: {
							const unhandled: never = action;
							return unhandled;
						}
					}
				},
				onText: text => {
					// Typing then Enter can arrive in one chunk ("text\r"): that is a submit, not a pasted newline.
					if (text.length > 1 && text.endsWith('\r') && !/[\r\n]/.test(text.slice(0, -1))) {
						const typed = insertText(bufferRef.current, text.slice(0, -1));
						if (endsBeforeCursor(typed, '\\')) setBuffer(replaceBeforeCursor(typed, 1, '\n'));
						else send(typed);
						return;
					}

					// Without bracketed paste a paste is a chunk of several characters; one character is a key.
					if (text.length > 1) paste(text);
					else setBuffer(insertText(bufferRef.current, text));
				},
				onPaste: paste,
			},
			isActive,
		);
		if (hidden) return null;
		const view = promptView(buffer, Math.max(1, width - BOX_COLUMNS), maxRows);
		return (
			<Box borderStyle="round" borderColor={isActive ? THEME.accent : THEME.dim} paddingX={1} width={width}>
				<Text color={THEME.user}>{'> '}</Text>
				{buffer.text ? (
					<Box flexDirection="column" flexGrow={1}>
						{view.rows.map((row, index) => (
							// biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the window; the position is the identity.
							<Row key={index} row={row} showCursor={isActive} />
						))}
						{view.counted ? (
							<Text color={THEME.dim} wrap="truncate-end">
								{rowsLeftOut(view.above, view.below)}
							</Text>
						) : null}
					</Box>
				) : (
					<Text color={THEME.dim} wrap="truncate-end">
						{isActive ? <Text inverse> </Text> : null}
						{placeholder}
					</Text>
				)}
			</Box>
		);
	}),
);

function rowsLeftOut(above: number, below: number): string {
	if (above > 0 && below > 0) return `… ${above} rows above · ${below} below`;
	return above > 0 ? `… ${above} more rows above` : `… ${below} more rows below`;
}

function Row({row, showCursor}: {row: PromptRow; showCursor: boolean}) {
	if (row.cursor === undefined || !showCursor) return <Text wrap="truncate-end">{row.text || ' '}</Text>;
	const {before, under, after} = splitAtCursor(row);
	return (
		<Text wrap="truncate-end">
			{before}
			<Text inverse>{under}</Text>
			{after}
		</Text>
	);
}
