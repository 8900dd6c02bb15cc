/**
 * A framed list to choose one item from, in the prompt's place: `/model`'s models and `/resume`'s saved sessions (and
 * `pgpair --resume`'s, before a session is open). ↑/↓ (k/j) and PgUp/PgDn move past rows that cannot be chosen, Enter
 * chooses, Esc closes. Never taller than `height`: a longer list scrolls, keeping the selection in view.
 */
import {Box, Text} from 'ink';
import type {Context} from './keys/bindings.js';
import {keyOf} from './keys/bindings.js';
import {useKeys} from './keys/use-keys.js';
import {THEME} from './theme.js';
import {useRefState} from './use-ref-state.js';
import {wrapRows} from './wrap.js';

/** One row: its text (cut to the box's width here), and whether Enter may choose it (`disabled` rows show dimmed). */
export type ChooserRow = {key: string; text: string; disabled?: boolean};

export type ChooserScreenProps = {
	title: string;
	rows: readonly ChooserRow[];
	/** The rows are still being read: this line instead of the list. */
	loading?: string;
	/** What the box says when there is nothing to choose. */
	empty: string;
	/** The row selected at first, when it can be chosen; else the first that can. */
	initial?: number;
	/** Columns in all, borders included. */
	width: number;
	/** Rows in all, borders included. */
	height: number;
	/** The active contexts; the screen acts while `chooser` is among them. */
	contexts: readonly Context[];
	/** A dim line under the list (what else can be typed). */
	note?: string;
	onChoose: (index: number) => void;
	onClose: () => void;
};

const OWNS = ['chooser'] as const;
/** Border (2), title, keys line. */
const CHROME = 4;
/** Below this many columns inside the box the keys line is short. */
const NARROW = 56;

/** The columns inside the box (border and padding off): what a row's text may use. */
export function chooserInner(width: number): number {
	return Math.max(1, width - 4);
}

/** One line cut to `width` with `…`; its own spacing kept, for the rows' columns. */
function clip(text: string, width: number): string {
	const chars = [...text.replace(/[\r\n\t]+/g, ' ')];
	return chars.length <= width ? chars.join('') : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function ChooserScreen({title, rows, loading, empty, initial, width, height, contexts, note, onChoose, onClose}: ChooserScreenProps) {
	const choosable = (index: number) => index >= 0 && index < rows.length && rows[index]!.disabled !== true;
	const firstChoosable = () => (initial !== undefined && choosable(initial) ? initial : rows.findIndex((_, index) => choosable(index)));
	// What the keys picked; until then (and should the rows change under it, as `/resume`'s arrive once read) the
	// first row that can be chosen.
	const [picked, setSelected, pickedRef] = useRefState<number | undefined>(undefined);
	const selectedOf = (index: number | undefined) => (index !== undefined && choosable(index) ? index : firstChoosable());
	const selected = selectedOf(picked);

	const inner = chooserInner(width);
	const noteRows = note ? 1 : 0;
	const listRows = Math.max(1, height - CHROME - noteRows);

	/** The next row that can be chosen `steps` away (past disabled ones), or the farthest one before the end. */
	const move = (from: number, steps: number) => {
		const direction = steps > 0 ? 1 : -1;
		let best = from;
		for (let index = from + direction, left = Math.abs(steps); index >= 0 && index < rows.length; index += direction) {
			if (!choosable(index)) continue;
			best = index;
			if (--left === 0) break;
		}

		return best;
	};

	useKeys(contexts, OWNS, {
		onAction: action => {
			const current = selectedOf(pickedRef.current);
			switch (action) {
				case 'selectPrevious':
					setSelected(move(current, -1));
					break;
				case 'selectNext':
					setSelected(move(current, 1));
					break;
				case 'pageUp':
					setSelected(move(current, -listRows));
					break;
				case 'pageDown':
					setSelected(move(current, listRows));
					break;
				case 'choose':
					if (loading === undefined && choosable(current)) onChoose(current);
					break;
				case 'closeChooser':
					onClose();
					break;
				default: {
					const unhandled: never = action;
					return unhandled;
				}
			}
		},
	});

	const moves = `${keyOf('selectPrevious', 'chooser')}${keyOf('selectNext', 'chooser')}`;
	const nothing = loading === undefined && rows.every((_, index) => !choosable(index));
	const hint =
		loading !== undefined || nothing
			? `${keyOf('closeChooser')} close`
			: `${moves}${inner < NARROW ? '' : ' select'} · ${keyOf('choose', 'chooser')} choose · ${keyOf('closeChooser')} close`;
	const first = Math.max(0, Math.min(selected - Math.floor(listRows / 2), rows.length - listRows));
	const shown = loading === undefined ? rows.slice(first, first + listRows) : [];
	const position = loading === undefined && rows.length > listRows && selected >= 0 ? ` · ${selected + 1} of ${rows.length}` : '';
	const message = loading ?? (rows.length === 0 ? empty : undefined);

	return (
		<Box flexDirection="column" borderStyle="round" borderColor={THEME.accent} paddingX={1} width={width}>
			<Text bold wrap="truncate-end">
				{clip(`${title}${position}`, inner)}
			</Text>
			{message !== undefined
				? wrapRows(message, inner)
						.slice(0, listRows)
						.map(row => (
							<Text key={row} color={THEME.dim}>
								{row}
							</Text>
						))
				: null}
			{shown.map((row, i) => {
				const current = first + i === selected;
				const color = row.disabled ? THEME.dim : current ? THEME.accent : undefined;
				return (
					<Text key={row.key} wrap="truncate-end" bold={current} {...(color ? {color} : {})}>
						{clip(`${current ? '▸ ' : '  '}${row.text}`, inner)}
					</Text>
				);
			})}
			{note ? (
				<Text color={THEME.dim} wrap="truncate-end">
					{clip(note, inner)}
				</Text>
			) : null}
			<Text color={THEME.dim} wrap="truncate-end">
				{clip(hint, inner)}
			</Text>
		</Box>
	);
}
