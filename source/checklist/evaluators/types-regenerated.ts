import {schemaChanges, sqlParserFor, succeeded} from '../session-facts.js';
import {done, type Evaluator, notApplicable, open} from './types.js';

/** Done when `generate_typescript_types` ran after the last schema change. */
export const typesRegenerated: Evaluator = async events => {
	await sqlParserFor(events);
	const last = schemaChanges(events).at(-1);
	const generated = succeeded(events, 'generate_typescript_types').at(-1);
	if (!last) {
		return generated
			? done(`generate_typescript_types ran (event ${generated.seq}); no schema change in this session`)
			: notApplicable('no schema change in this session');
	}
	if (!generated) return open(`generate_typescript_types has not run since the schema changed (${last.label}, event ${last.seq})`);
	if (generated.seq > last.seq)
		return done(`generate_typescript_types ran (event ${generated.seq}) after the last schema change (${last.label}, event ${last.seq})`);
	return open(`the schema changed (${last.label}, event ${last.seq}) after types were last generated (event ${generated.seq})`);
};
