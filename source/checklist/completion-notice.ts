/**
 * "The agent says it is done while items are open." Shown when a turn ends and all of these hold:
 * - the turn's last assistant message claims the work is finished (a sentence saying done / complete / finished /
 *   all set / ready to use…, not negated or conditional: "once this is done" and "not finished yet" do not count);
 * - the session changed something (a migration, schema SQL, a branch merge, a deployed function), so the checklist
 *   is about real work and a chat-only session is never nagged;
 * - at least one item is open.
 * Claims are detected modestly on purpose: a missed claim costs one notice, a false one costs trust in all of them.
 */
import type {ChecklistItem} from '../agents/agent-sections.js';
import type {SessionState, ToolCallView} from '../core/session-state.js';

const CLAIM =
	/\b(?:(?:all |now )?done|finished|completed?|all set|wrapped up|ready (?:to (?:use|go|ship|merge|deploy)|for (?:use|review|production))|in place)\b/i;
// Words that make a sentence conditional, negated or about the future instead of a claim.
const HEDGE = /\b(?:not|never|once|when|whenever|until|if|before|after|unless|will|should|could|would|can|next|then|yet|almost|nearly|still)\b|n't\b|\?/i;

export function claimsCompletion(text: string): boolean {
	return text
		.split(/(?<=[.!?])\s+|\n+/)
		.map(sentence => sentence.trim())
		.some(sentence => CLAIM.test(sentence) && !HEDGE.test(sentence.replace(/’/g, "'")));
}

const WORK_TOOLS: ReadonlySet<string> = new Set(['apply_migration', 'deploy_edge_function', 'merge_branch', 'reset_branch', 'rebase_branch']);

function didWork(call: ToolCallView): boolean {
	if (call.status !== 'succeeded') return false;
	const tool = /^mcp__.+?__(.+)$/.exec(call.name)?.[1] ?? call.name;
	if (WORK_TOOLS.has(tool)) return true;
	return tool === 'execute_sql' && call.classification !== undefined && call.classification.class !== 'read-only';
}

/** The assistant's last words in the latest turn (after the last prompt), or undefined. */
function finalAssistantText(state: SessionState): string | undefined {
	for (let i = state.entries.length - 1; i >= 0; i--) {
		const entry = state.entries[i]!;
		if (entry.kind === 'user') return undefined;
		if (entry.kind === 'assistant') return entry.text;
	}
	return undefined;
}

/** The notice text, or undefined when there is nothing to say. Items never ticked count as open. */
export function openItemsNotice(state: SessionState, items: readonly ChecklistItem[]): string | undefined {
	const text = finalAssistantText(state);
	if (!text || !claimsCompletion(text)) return undefined;
	if (!state.entries.some(entry => entry.kind === 'tool' && didWork(entry.call))) return undefined;
	const byId = new Map(state.checklist.map(entry => [entry.itemId, entry]));
	const open = items.filter(item => byId.get(item.id)?.state !== 'done');
	if (open.length === 0) return undefined;
	const lines = open.map(item => {
		const why = byId.get(item.id)?.evidence;
		return `  ○ ${item.text}${why ? ` — ${why}` : ''}`;
	});
	const count = open.length === 1 ? '1 checklist item is' : `${open.length} checklist items are`;
	return [`The agent says the work is done, but ${count} still open:`, ...lines].join('\n');
}
