import {Text} from 'ink';
import {THEME} from './theme.js';

/**
 * A small SQL tokenizer for colouring only (never for deciding anything: classification uses the
 * real Postgres grammar). Works line by line so a scrolled window costs what it shows.
 */
const TOKEN = /(--.*$)|('(?:[^']|'')*'?)|(\$[A-Za-z_]*\$)|("(?:[^"]|"")*"?)|(\b\d+(?:\.\d+)?\b)|(\b[A-Za-z_][A-Za-z0-9_]*\b)|(\s+)|(.)/g;

const KEYWORDS = new Set(
	`select from where and or not insert into values update set delete create table alter drop add column constraint primary key foreign references
	on cascade index unique if exists replace function returns return language begin end commit rollback grant revoke to policy for using with check
	enable disable row level security as join left right inner outer full cross group by order having limit offset union all distinct case when then else
	null is true false default truncate view materialized trigger execute procedure schema extension type enum do declare security definer invoker
	stable immutable volatile in like ilike between returning conflict nothing only lateral explain analyze vacuum comment role authenticated anon
	concurrently temp temporary sequence identity generated always`.split(/\s+/),
);

const DANGER = new Set(['drop', 'truncate', 'delete', 'disable', 'revoke', 'grant']);

export type SqlToken = {text: string; kind: 'comment' | 'string' | 'number' | 'keyword' | 'danger' | 'identifier' | 'plain'};

export function tokenizeSqlLine(line: string): SqlToken[] {
	const tokens: SqlToken[] = [];
	for (const match of line.matchAll(TOKEN)) {
		const [text, comment, string, dollar, quoted, number, word] = match;
		let kind: SqlToken['kind'] = 'plain';
		if (comment) kind = 'comment';
		else if (string || dollar) kind = 'string';
		else if (quoted) kind = 'identifier';
		else if (number) kind = 'number';
		else if (word) {
			const lower = word.toLowerCase();
			kind = DANGER.has(lower) ? 'danger' : KEYWORDS.has(lower) ? 'keyword' : 'identifier';
		}

		tokens.push({text, kind});
	}

	return tokens;
}

const COLOR: Record<SqlToken['kind'], string | undefined> = {
	comment: THEME.dim,
	string: 'green',
	number: 'yellow',
	keyword: 'cyan',
	danger: THEME.destructive,
	identifier: undefined,
	plain: undefined,
};

export function SqlLine({line}: {line: string}) {
	// An empty Text has no height in Ink; a space keeps blank lines in the SQL visible.
	if (line === '') return <Text> </Text>;
	return (
		<Text wrap="truncate-end">
			{tokenizeSqlLine(line).map((token, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: tokens of a line never reorder; the index is a stable key.
				<Text key={index} color={COLOR[token.kind]} bold={token.kind === 'danger'}>
					{token.text}
				</Text>
			))}
		</Text>
	);
}
