import {Box, Text} from 'ink';
import {KEYBINDINGS} from './keybindings.js';
import {THEME} from './theme.js';

/** Rendered straight from the key-bindings table, so help can never disagree with the keys. */
export function HelpOverlay() {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1}>
			<Text bold>Keys</Text>
			{KEYBINDINGS.map(binding => (
				<Text key={binding.action}>
					<Text color={THEME.accent}>{binding.keys.padEnd(14)}</Text>
					<Text color={THEME.dim}>{binding.context.padEnd(9)}</Text>
					{binding.description}
				</Text>
			))}
		</Box>
	);
}
