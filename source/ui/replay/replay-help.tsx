import {Box, Text} from 'ink';
import {MAX_IDLE_GAP_MS} from '../../replay/playback.js';
import {THEME} from '../theme.js';
import {REPLAY_KEYBINDINGS} from './replay-keys.js';

/** Border, title and the note below the table. */
export const REPLAY_HELP_ROWS = REPLAY_KEYBINDINGS.length + 4;

/** Rendered from the replay key table, so help can never disagree with the keys. */
export function ReplayHelp() {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1}>
			<Text bold>Replay keys</Text>
			{REPLAY_KEYBINDINGS.map(binding => (
				<Text key={binding.action} wrap="truncate-end">
					<Text color={THEME.accent}>{binding.keys.padEnd(10)}</Text>
					{binding.description}
				</Text>
			))}
			<Text color={THEME.dim} wrap="truncate-end">
				Play keeps the recorded pace, but any pause longer than {MAX_IDLE_GAP_MS / 1000} s is cut to {MAX_IDLE_GAP_MS / 1000} s.
			</Text>
		</Box>
	);
}
