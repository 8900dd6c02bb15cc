import {Box, Text} from 'ink';
import type {Context} from './keys/bindings.js';
import {useKeys} from './keys/use-keys.js';
import {THEME} from './theme.js';
import {useRefState} from './use-ref-state.js';

export type TextFieldProps = {
	label: string;
	initial?: string;
	/** Multi-line: Enter inserts a newline and Ctrl+S submits. Single line: Enter submits. */
	multiline?: boolean;
	/** The active contexts, from the focus (`editing` set to this field's kind). */
	contexts: readonly Context[];
	hint: string;
	error?: string;
	maxRows?: number;
	onSubmit: (value: string) => void;
	onCancel: () => void;
};

const FIELD_CONTEXTS = ['text', 'line', 'editor', 'field'] as const;

/** A small text editor for feedback, confirmations and edited SQL; Esc always backs out. */
export function TextField({label, initial = '', multiline = false, contexts, hint, error, maxRows = 12, onSubmit, onCancel}: TextFieldProps) {
	const [value, setValue, ref] = useRefState(initial);

	useKeys(contexts, FIELD_CONTEXTS, {
		onAction: action => {
			switch (action) {
				case 'back':
					onCancel();
					break;
				case 'submit':
				case 'save':
					onSubmit(ref.current);
					break;
				case 'newline':
					setValue(`${ref.current}\n`);
					break;
				case 'deleteChar':
					setValue(ref.current.slice(0, -1));
					break;
				case 'clearText':
					setValue('');
					break;
				default: {
					const unhandled: never = action;
					return unhandled;
				}
			}
		},
		onText: text => setValue(ref.current + text.replace(/\r\n?/g, multiline ? '\n' : ' ')),
	});

	const lines = value.split('\n');
	const shown = lines.slice(-maxRows);
	return (
		<Box flexDirection="column">
			<Text bold>{label}</Text>
			{lines.length > shown.length ? <Text color={THEME.dim}>… {lines.length - shown.length} lines above</Text> : null}
			{shown.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: lines are positional (the last ones of the text); the position is the identity.
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
