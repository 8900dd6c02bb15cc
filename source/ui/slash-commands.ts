/**
 * Commands typed at the prompt that pgpair answers itself, as Claude Code's slash commands are: never sent to the
 * model. One table, read by the prompt's handler and by the help screen, so the two cannot disagree.
 */

export type SlashCommandName = 'help' | 'clear' | 'model' | 'resume' | 'rewind' | 'exit';

export type SlashCommand = {name: SlashCommandName; aliases?: readonly string[]; args?: string; description: string};

export const SLASH_COMMANDS: readonly SlashCommand[] = [
	{name: 'help', description: 'the keys and these commands'},
	{name: 'clear', aliases: ['reset', 'new'], description: 'start the conversation afresh (the transcript keeps what came before)'},
	{name: 'model', args: '[name]', description: 'the model now and the choices, or switch to sonnet, opus, haiku or an id'},
	{name: 'resume', args: '[session]', description: 'go on with a saved session of this workspace (a list, or its id)'},
	{name: 'rewind', args: '[checkpoint]', description: 'back to a checkpoint: database, files, conversation (also Esc Esc)'},
	{name: 'exit', aliases: ['quit'], description: 'save the session and quit'},
];

export type ParsedInput = {kind: 'command'; name: SlashCommandName; arg?: string} | {kind: 'unknown'; name: string} | {kind: 'prompt'};

/**
 * What the typed text is. A command is `/word` alone or followed by an argument; text that starts with a path
 * (`/etc/hosts has…`) or a slash and a space is a prompt like any other.
 */
export function parseInput(text: string): ParsedInput {
	const match = /^\/([a-z][a-z-]*)(?:\s+(\S.*))?$/s.exec(text.trim());
	if (!match) return {kind: 'prompt'};
	const [, word, rest] = match;
	const command = SLASH_COMMANDS.find(c => c.name === word || c.aliases?.includes(word!));
	if (!command) return {kind: 'unknown', name: word!};
	const arg = rest?.trim();
	return {kind: 'command', name: command.name, ...(arg ? {arg} : {})};
}
