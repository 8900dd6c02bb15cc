import {useStdout} from 'ink';
import {useEffect} from 'react';

// Ask the terminal to mark pasted text (ESC [ 200 ~ … ESC [ 201 ~), and stop asking.
const ENABLE = '\u001B[?2004h';
const DISABLE = '\u001B[?2004l';

/**
 * Bracketed paste while the app is up: a paste then arrives marked as one, whatever reads it takes, so its newlines
 * and letters are never taken for Enter or a key (see keys/use-keys.ts). Switched off when the app unmounts, and at
 * exit in case it never does, so the shell after pgpair gets the terminal as it was.
 */
export function useBracketedPaste(): void {
	const {stdout} = useStdout();
	useEffect(() => {
		if (!stdout.isTTY) return;
		stdout.write(ENABLE);
		const off = () => stdout.write(DISABLE);
		process.once('exit', off);
		return () => {
			process.off('exit', off);
			off();
		};
	}, [stdout]);
}
