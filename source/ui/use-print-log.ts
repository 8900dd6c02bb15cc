/**
 * The live chat's print log, laid out again whenever the terminal's width changes.
 *
 * Rows already printed were wrapped for the old width. When a terminal narrows, it re-wraps (or cuts)
 * them on its own, and Ink can no longer tell how many lines its live area covers: erasing it leaves
 * pieces of the old frame in the history, so text shows twice. Once the width has settled, the screen
 * and its scrollback are cleared and the whole conversation is printed again at the new width, from
 * the session's state (nothing is lost: every entry is in it).
 *
 * `/clear` starts the chat again: the screen (not the scrollback, which holds what the terminal showed before pgpair)
 * is erased and a new log prints from the clear on.
 */
import {useStdout} from 'ink';
import {useEffect, useRef, useState} from 'react';
import {createPrintLog, type PrintLog} from './print-log.js';

/** Resizing by dragging sends many events; lay out once it has stopped for this long. */
export const RELAYOUT_DELAY_MS = 150;
// Erase the screen, erase the scrollback, cursor home (what ansi-escapes calls clearTerminal).
const CLEAR_TERMINAL = '\u001B[2J\u001B[3J\u001B[H';
// Erase the screen, cursor home: what a shell's Ctrl+L does. Many terminals move the erased rows into the scrollback.
export const CLEAR_SCREEN = '\u001B[2J\u001B[H';

export function usePrintLog(width: number, clears = 0): {log: PrintLog; generation: number} {
	const {stdout, write} = useStdout();
	const [layout, setLayout] = useState(() => ({log: createPrintLog(), generation: 0}));
	// A layout is due when the width changed since the last run (never at mount) and stays due until it is done,
	// so an effect that runs again for another reason does not drop it.
	const seenWidth = useRef(width);
	const due = useRef(false);
	useEffect(() => {
		if (seenWidth.current !== width) {
			seenWidth.current = width;
			due.current = true;
		}

		if (!due.current) return;
		const timer = setTimeout(() => {
			due.current = false;
			if (stdout.isTTY) write(CLEAR_TERMINAL);
			setLayout(current => ({log: createPrintLog(), generation: current.generation + 1}));
		}, RELAYOUT_DELAY_MS);
		return () => clearTimeout(timer);
	}, [width, stdout, write]);

	const seenClears = useRef(clears);
	useEffect(() => {
		if (seenClears.current === clears) return;
		seenClears.current = clears;
		if (stdout.isTTY) write(CLEAR_SCREEN);
		setLayout(current => ({log: createPrintLog(), generation: current.generation + 1}));
	}, [clears, stdout, write]);
	return layout;
}
