import {useInput} from 'ink';
import {useRef} from 'react';
import {type ActionIn, bindingFor, type Context} from './bindings.js';
import {keystrokes, PASTE_END, PASTE_START, pastedPart, typedText} from './key-spec.js';

export type KeyHandlers<C extends Context> = {
	/** A key meant an action of one of the contexts this component owns. */
	onAction: (action: ActionIn<C>) => void;
	/** Text typed while no active binding claims the key: for text entry. */
	onText?: (text: string) => void;
	/**
	 * A bracketed paste, whole: the text between the terminal's paste marks, however many reads it came in. Without
	 * this handler a paste is typed text (`onText`). No key inside a paste is an action.
	 */
	onPaste?: (text: string) => void;
};

/**
 * Subscribes a component to the keys of the contexts it owns. Every subscriber resolves a key against the
 * same active contexts (an array, or a function for contexts that hang on refs kept current between renders),
 * so the one binding a key means is handled by the one owner of its context, and text reaches a text field
 * only when no binding claims the key. Given an array, the subscription is active only while one of `owns`
 * is in it.
 */
export function useKeys<C extends Context>(
	contexts: readonly Context[] | (() => readonly Context[]),
	owns: readonly C[],
	handlers: KeyHandlers<C>,
	isActive = true,
): void {
	const owned = owns as readonly Context[];
	const active = isActive && (typeof contexts === 'function' || owned.some(context => contexts.includes(context)));
	// The parts of a paste under way: a pasted "y" or Enter must not answer a call or send a half-pasted prompt.
	const paste = useRef<string[] | undefined>(undefined);
	useInput(
		(input, key) => {
			if (input === PASTE_START) {
				paste.current = [];
				return;
			}

			if (paste.current) {
				if (input !== PASTE_END) {
					paste.current.push(pastedPart(input, key));
					return;
				}

				const text = paste.current.join('');
				paste.current = undefined;
				if (handlers.onPaste) handlers.onPaste(text);
				else if (text && handlers.onText) handlers.onText(text);
				return;
			}

			const active = typeof contexts === 'function' ? contexts() : contexts;
			// Keys typed faster than they are read come as one read ("ab\r", Backspace held down): each is a key of
			// its own, unless the whole read is itself a binding (two Ctrl+C in one read quit at once).
			const strokes = bindingFor(active, input, key) ? [{input, key}] : keystrokes(input, key);
			for (const stroke of strokes) {
				const binding = bindingFor(active, stroke.input, stroke.key);
				if (binding) {
					// The table types actions per context; `owned` holding the binding's context makes this one of C's.
					if (owned.includes(binding.context)) handlers.onAction(binding.action as ActionIn<C>);
					continue;
				}

				const text = handlers.onText ? typedText(stroke.input, stroke.key) : '';
				if (text) handlers.onText?.(text);
			}
		},
		{isActive: active},
	);
}
