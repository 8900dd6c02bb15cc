import {useInput} from 'ink';
import {type ActionIn, bindingFor, type Context} from './bindings.js';
import {typedText} from './key-spec.js';

export type KeyHandlers<C extends Context> = {
	/** A key meant an action of one of the contexts this component owns. */
	onAction: (action: ActionIn<C>) => void;
	/** Text typed while no active binding claims the key: for text entry. */
	onText?: (text: string) => void;
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
	useInput(
		(input, key) => {
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
