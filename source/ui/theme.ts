/** Colours in one place; Ink maps these names to the terminal's palette. */
export const THEME = {
	user: 'cyan',
	assistant: 'white',
	tool: 'magenta',
	ok: 'green',
	warn: 'yellow',
	error: 'red',
	dim: 'gray',
	accent: 'blue',
	destructive: 'red',
	write: 'yellow',
	readOnly: 'green',
} as const;
