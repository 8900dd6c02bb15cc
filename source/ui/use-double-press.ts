import {useCallback, useEffect, useRef} from 'react';
import {useRefState} from './use-ref-state.js';

/**
 * A key that acts on its second press within `windowMs` (Ctrl+C to quit, Esc Esc to rewind): the first press arms it,
 * and the hint line shows that it is armed. `press` returns true when this press is the second one; `disarm` forgets
 * the first. Read through a ref, since two presses can arrive before React re-renders the handler.
 */
export function useDoublePress(windowMs: number): {armed: boolean; press(): boolean; disarm(): void} {
	const [armed, setArmed, armedRef] = useRefState(false);
	const timer = useRef<NodeJS.Timeout | undefined>(undefined);
	useEffect(() => () => clearTimeout(timer.current), []);
	const disarm = useCallback(() => {
		clearTimeout(timer.current);
		setArmed(false);
	}, [setArmed]);
	const press = useCallback(() => {
		if (armedRef.current) {
			disarm();
			return true;
		}
		setArmed(true);
		clearTimeout(timer.current);
		timer.current = setTimeout(() => setArmed(false), windowMs);
		return false;
	}, [armedRef, disarm, setArmed, windowMs]);
	return {armed, press, disarm};
}
