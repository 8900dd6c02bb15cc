import {Box, Text} from 'ink';
import React, {useEffect} from 'react';
import type {ActionIn} from './keys/bindings.js';
import {type LiveFocus, liveContexts} from './keys/focus.js';
import {useKeys} from './keys/use-keys.js';
import {THEME} from './theme.js';
import {useRefState} from './use-ref-state.js';

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
};

const PROMPT_CONTEXTS = ['text', 'line', 'empty-prompt', 'welcome', 'idle-prompt'] as const;

/** The chat box. Inactive while an approval is pending, so typing can never answer a prompt. */
export const PromptInput = React.memo(function PromptInput({focus, placeholder, onSubmit, onAction, draft, hidden = false}: PromptInputProps) {
	const [value, setValue, valueRef] = useRefState('');
	useEffect(() => {
		if (draft) setValue(draft.text);
	}, [draft, setValue]);

	const isActive = liveContexts(focus).includes('line');
	useKeys(
		// Whether `?` is a key or text depends on the text typed so far, which only this component knows first.
		() => liveContexts(focus, valueRef.current === ''),
		PROMPT_CONTEXTS,
		{
			onAction: action => {
				switch (action) {
					case 'submit': {
						const text = valueRef.current.trim();
						if (text) {
							onSubmit(text);
							setValue('');
						}

						break;
					}

					case 'clearText':
						setValue('');
						break;
					case 'deleteChar':
						setValue(valueRef.current.slice(0, -1));
						break;
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
				const current = valueRef.current;
				// Typing then Enter can arrive in one chunk ("text\r"): that is a submit, not a pasted newline.
				if (text.length > 1 && text.endsWith('\r') && !/[\r\n]/.test(text.slice(0, -1))) {
					const typed = (current + text.slice(0, -1)).trim();
					setValue('');
					if (typed) onSubmit(typed);
					return;
				}

				// Pasted text arrives as one chunk; newlines inside it stay part of the prompt.
				setValue(current + text.replace(/\r\n?/g, '\n'));
			},
		},
		isActive,
	);
	if (hidden) return null;
	return (
		<Box borderStyle="round" borderColor={isActive ? THEME.accent : THEME.dim} paddingX={1}>
			<Text color={THEME.user}>{'> '}</Text>
			{value ? (
				<Text>
					{value}
					<Text inverse={isActive}> </Text>
				</Text>
			) : (
				<Text color={THEME.dim}>
					{isActive ? <Text inverse> </Text> : null}
					{placeholder}
				</Text>
			)}
		</Box>
	);
});
