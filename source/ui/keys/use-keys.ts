import {useInput} from 'ink';
import {useRef} from 'react';
import {type ActionIn, bindingFor, type Context} from './bindings.js';
import {PASTE_END, PASTE_START, pastedPart, typedText} from './key-spec.js';

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

			const binding = bindingFor(typeof contexts === 'function' ? contexts() : contexts, input, key);
			if (binding) {
				// The table types actions per context; `owned` holding the binding's context makes this one of C's.
				if (owned.includes(binding.context)) handlers.onAction(binding.action as ActionIn<C>);
				return;
			}

			const text = handlers.onText ? typedText(input, key) : '';
			if (text) handlers.onText?.(text);
		},
		{isActive: active},
	);
}
