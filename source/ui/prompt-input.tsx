import {Box, Text, useInput} from 'ink';
import React, {useState} from 'react';
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
export function PromptInput({isActive, placeholder, onSubmit, onEmptyKey}: PromptInputProps) {
	const [value, setValue] = useState('');
	useInput(
		(input, key) => {
			if (matches('submit', input, key)) {
				const text = value.trim();
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
				setValue(v => v.slice(0, -1));
				return;
			}

			if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
			if (value === '' && onEmptyKey?.(input)) return;
			// Pasted text arrives as one chunk; newlines inside it stay part of the prompt.
			if (input) setValue(v => v + input.replace(/\r\n?/g, '\n'));
		},
		{isActive},
	);
	return (
		<Box borderStyle="round" borderColor={isActive ? THEME.accent : THEME.dim} paddingX={1}>
			<Text color={THEME.user}>{'> '}</Text>
			{value ? <Text>{value}<Text inverse={isActive}> </Text></Text> : <Text color={THEME.dim}>{isActive ? <Text inverse> </Text> : null}{placeholder}</Text>}
		</Box>
	);
}
