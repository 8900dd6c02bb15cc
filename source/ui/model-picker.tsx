/**
 * `/model` without a name: the model the next request goes to, and the choices by alias with the id each stands for
 * (what `--model` and `/model <name>` resolve them to). Enter switches; any other id is typed: `/model <id>`.
 */
import {MODEL_ALIASES} from '../model/model-config.js';
import {type ChooserRow, ChooserScreen, chooserInner} from './chooser-screen.js';
import type {Context} from './keys/bindings.js';

export type ModelPickerProps = {
	/** The model id the next request goes to. */
	current: string;
	width: number;
	height: number;
	contexts: readonly Context[];
	onChoose: (model: string) => void;
	onClose: () => void;
};

/** The choices: the current model first when no alias stands for it, then every alias. */
export function modelChoices(current: string): Array<{alias?: string; id: string}> {
	const aliases = Object.entries(MODEL_ALIASES).map(([alias, id]) => ({alias, id}));
	return aliases.some(choice => choice.id === current) ? aliases : [{id: current}, ...aliases];
}

export function ModelPicker({current, width, height, contexts, onChoose, onClose}: ModelPickerProps) {
	const choices = modelChoices(current);
	const aliasWidth = Math.max(...choices.map(choice => choice.alias?.length ?? 0));
	const rows: ChooserRow[] = choices.map(choice => ({
		key: choice.id,
		text: `${(choice.alias ?? '').padEnd(aliasWidth)}  ${choice.id}${choice.id === current ? '  ✓ now' : ''}`,
	}));
	const narrow = chooserInner(width) < 56;
	return (
		<ChooserScreen
			title={narrow ? `Model · ${current}` : `Model · the next request goes to ${current}`}
			rows={rows}
			empty=""
			initial={choices.findIndex(choice => choice.id === current)}
			width={width}
			height={height}
			contexts={contexts}
			note={narrow ? 'or /model <id>' : 'Another model: type /model <id> (e.g. a dated claude-… id).'}
			onChoose={index => onChoose(choices[index]!.id)}
			onClose={onClose}
		/>
	);
}
