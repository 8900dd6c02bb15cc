import {exitMcp, runSupabaseMcp} from './stdio-main.js';

runSupabaseMcp(process.argv.slice(2)).then(exitMcp, (error: unknown) => {
	process.stderr.write(`${(error as Error).message}\n`);
	process.exit(1);
});
