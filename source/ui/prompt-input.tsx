import {Box, Text, useInput} from 'ink';
import React, {useRef, useState} from 'react';
import {matches} from './keybindings.js';
import {THEME} from './theme.js';

export type PromptInputProps = {
	isActive: boolean;
	placeholder: string;
	onSubmit: (text: string) => void;
	/** Keys the input does not consume (Esc, ?, Ctrl+C) are offered here first. */
	onEmptyKey?: (input: string) => boolean;
};

/** The chat box. Inactive while an approval is pending, so typing can never answer a prompt. */
export const PromptInput = React.memo(function PromptInput({isActive, placeholder, onSubmit, onEmptyKey}: PromptInputProps) {
	const [value, setValueState] = useState('');
	// Keys can arrive faster than React commits (a paste, a script): the ref always holds the latest text.
	const valueRef = useRef('');
	const setValue = (next: string) => {
		valueRef.current = next;
		setValueState(next);
	};

	useInput(
		(input, key) => {
			const current = valueRef.current;
			if (matches('submit', input, key)) {
				const text = current.trim();
				if (text) {
					onSubmit(text);
					setValue('');
				}

				return;
			}

			if (matches('clearInput', input, key)) {
				setValue('');
				return;
			}

			if (key.backspace || key.delete) {
				setValue(current.slice(0, -1));
				return;
			}

			if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown)
				return;
			if (current === '' && onEmptyKey?.(input)) return;
			// Typing then Enter can arrive in one chunk ("text\r"): that is a submit, not a pasted newline.
			if (input.length > 1 && input.endsWith('\r') && !/[\r\n]/.test(input.slice(0, -1))) {
				const text = (current + input.slice(0, -1)).trim();
				setValue('');
				if (text) onSubmit(text);
				return;
			}

			// Pasted text arrives as one chunk; newlines inside it stay part of the prompt.
			if (input) setValue(current + input.replace(/\r\n?/g, '\n'));
		},
		{isActive},
	);
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
