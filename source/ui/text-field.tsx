import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';
import {THEME} from './theme.js';

export type TextFieldProps = {
	label: string;
	initial?: string;
	/** Multi-line: Enter inserts a newline and Ctrl+S submits. Single line: Enter submits. */
	multiline?: boolean;
	hint: string;
	error?: string;
	maxRows?: number;
	onSubmit: (value: string) => void;
	onCancel: () => void;
};

/** A small text editor for feedback, confirmations and edited SQL; Esc always backs out. */
export function TextField({label, initial = '', multiline = false, hint, error, maxRows = 12, onSubmit, onCancel}: TextFieldProps) {
	const [value, setValueState] = useState(initial);
	// Keys can arrive faster than React commits (a paste): the ref always holds the latest text.
	const ref = useRef(initial);
	const setValue = (next: string) => {
		ref.current = next;
		setValueState(next);
	};

	useInput((input, key) => {
		const current = ref.current;
		if (key.escape) {
			onCancel();
			return;
		}

		if (multiline ? key.ctrl && input === 's' : key.return) {
			onSubmit(current);
			return;
		}

		if (key.return) {
			setValue(`${current}\n`);
			return;
		}

		if (key.backspace || key.delete) {
			setValue(current.slice(0, -1));
			return;
		}

		if (key.ctrl && input === 'u') {
			setValue('');
			return;
		}

		if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
		if (input) setValue(current + input.replace(/\r\n?/g, multiline ? '\n' : ' '));
	});

	const lines = value.split('\n');
	const shown = lines.slice(-maxRows);
	return (
		<Box flexDirection="column">
			<Text bold>{label}</Text>
			{lines.length > shown.length ? <Text color={THEME.dim}>… {lines.length - shown.length} lines above</Text> : null}
			{shown.map((line, index) => (
				// Lines are positional; the index is the identity.
				<Text key={index}>
					{line}
					{index === shown.length - 1 ? <Text inverse> </Text> : null}
				</Text>
			))}
			{error ? <Text color={THEME.error}>{error}</Text> : null}
			<Text color={THEME.dim}>{hint}</Text>
		</Box>
	);
}
