import {useCallback, useRef, useState} from 'react';

/**
 * State whose latest value is readable at once through a ref. Keys can arrive faster than React commits (a paste,
 * a script, a key held down), and a key handler sees the state of its last render: it reads `latest` instead.
 */
export function useRefState<T>(initial: T): [value: T, set: (next: T) => void, latest: {readonly current: T}] {
	const [value, setValue] = useState(initial);
	const latest = useRef(initial);
	const set = useCallback((next: T) => {
		latest.current = next;
		setValue(next);
	}, []);
	return [value, set, latest];
}
